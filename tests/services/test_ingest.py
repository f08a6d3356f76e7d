"""A crate ingest run in-process on a real database: what a successful job records and leaves.

The HTTP tests ingest through the server; these let mutation testing see services/crates/ingest.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairdepot.services import accounts, records
from fairdepot.services.crates import ingest
from fairdepot.services.runtime import Runtime
from fairdepot.storage.db import jobs
from fairdepot.storage.db.models import JobRow
from tests.services.test_job_cleanup import _claim, _expire_lease, _job, _keys, _submit


@pytest.fixture
def alice(runtime: Runtime):
    return accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab-a"])


def test_a_completed_ingest_records_the_crate_and_drops_earlier_attempts(
    runtime: Runtime, alice, tmp_path
) -> None:
    job_id = _submit(runtime, alice, tmp_path)
    first = _claim(runtime, "died")
    stale = f"{ingest.attempt_prefix(job_id, first.attempt)}data/table.csv"
    runtime.blobs.write(stale, [b"from the attempt that died"])
    _expire_lease(runtime, job_id)
    second = _claim(runtime, "finisher")

    ingest.run_crate_ingest(runtime, second)

    job = _job(runtime, job_id)
    assert (job.state, job.stage) == (jobs.COMPLETE, "completed all tasks successfully")
    crate = job.result["rocrateIdentifier"]
    assert job.result["identifiers"][0] == crate
    assert job.result["identifiersMinted"] == len(job.result["identifiers"]) == 2
    actor = accounts.actor_for(alice, runtime.settings.facility_groups)
    root = records.resolve_files(runtime, actor, crate)
    assert root.access.owner_group == "lab-a"
    assert root.crate_parts.job_id == job_id
    assert root.archive_blob_key is None  # the zip is not kept: its layout is
    assert root.archive_layout is not None
    assert "data/table.csv" in root.archive_layout.file_paths
    table = next(f for f in root.files if f.path == "data/table.csv")
    prefix = ingest.attempt_prefix(job_id, second.attempt)
    assert table.blob_key == ingest.member_blob_key(prefix, "data/table.csv")
    assert b"".join(runtime.blobs.iter_read(table.blob_key)) == b"a,b\n1,2\n"
    assert table.size == 8
    # the dead attempt's blobs and the upload are gone, the winner's stay
    assert stale not in _keys(runtime, job_id)
    assert table.blob_key in _keys(runtime, job_id)
    assert ingest.upload_key(job_id) not in _keys(runtime, job_id)


def test_an_unexpected_error_still_ends_the_job_and_cleans_up(runtime: Runtime, alice, tmp_path):
    job_id = _submit(runtime, alice, tmp_path)
    runtime.blobs.delete(ingest.upload_key(job_id))  # the upload vanished: not the user's fault
    runtime.blobs.write(f"{ingest.attempt_prefix(job_id, 1)}data/partial.csv", [b"x"])
    claim = _claim(runtime, "w1")

    ingest.run_crate_ingest(runtime, claim)

    job = _job(runtime, job_id)
    assert job.state == jobs.FAILED
    assert job.stage == "failed"
    assert job.error["message"].startswith("internal error while ingesting")
    assert _keys(runtime, job_id) == []


def test_a_job_whose_owner_is_gone_is_left_alone(runtime: Runtime, alice, tmp_path) -> None:
    job_id = _submit(runtime, alice, tmp_path)
    claim = _claim(runtime, "w1", timedelta(seconds=60))
    with runtime.database.write_sessions() as session:
        row = session.get(JobRow, job_id)
        assert row is not None
        row.owner_id = None
        session.commit()
    ingest.run_crate_ingest(runtime, claim)
    assert _job(runtime, job_id).state == jobs.PROCESSING  # nothing ran, nothing was written
