"""Scale-out crash test: two workers ingest crates; workers are SIGKILLed in the middle of jobs.

Every job must complete exactly once (no duplicate records), and the database and the bucket
must agree: every blob a record references exists, and no blob is left that no record or live
job references.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import sqlalchemy as sa

from tests.conftest import Api
from tests.e2e.test_crash_recovery import _big_crate
from tests.support.consistency import (
    referenced_blobs,
    scaleout_with_database,
    stored_against_referenced,
)
from tests.support.deployments import backend_name

pytestmark = pytest.mark.skipif(
    backend_name() != "scaleout",
    reason="needs the scale-out shape (FAIRDEPOT_TEST_BACKEND=scaleout)",
)
JOBS, FILES = 6, 120


def _processing(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.text("SELECT id, lease_owner, stage FROM jobs WHERE state = 'PROCESSING'")
            )
        )


def _kill_worker_mid_ingest(deployment, engine, killed: set[str]) -> str | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for job_id, owner, stage in _processing(engine):
            if stage == "storing files" and job_id not in killed and owner:
                pid = int(owner.split(":")[1])
                os.kill(pid, signal.SIGKILL)
                return job_id
        time.sleep(0.05)
    return None


def test_sigkilled_workers_lose_nothing_and_duplicate_nothing(tmp_path, seaweedfs) -> None:
    with scaleout_with_database(
        tmp_path, seaweedfs, api_processes=1, workers=2, extra={"FAIRDEPOT_JOB_LEASE_SECONDS": "3"}
    ) as (deployment, engine):
        api = Api(deployment)
        guids = []
        for index in range(JOBS):
            upload = api.upload(_big_crate(tmp_path / f"crate-{index}.zip", files=FILES))
            assert upload.status_code == 202, upload.text
            guids.append(upload.json()["guid"])

        killed: set[str] = set()
        for _ in range(2):  # kill a worker mid-ingest, replace it, and do it again
            victim = _kill_worker_mid_ingest(deployment, engine, killed)
            assert victim, "no job was caught in the middle of storing files"
            killed.add(victim)
            deployment.start_worker()

        jobs = [api.wait(guid, timeout=300) for guid in guids]
        assert [j["status"] for j in jobs] == ["COMPLETE"] * JOBS, jobs
        assert {j["guid"] for j in jobs if j["attempts"] > 1} >= killed

        with engine.connect() as connection:
            # what a double ingest would duplicate (ark_key is unique, so count what is not):
            # crates per job, files per record, file rows per blob (a root and its entity)
            crates_per_job = dict(
                connection.execute(
                    sa.text(
                        "SELECT extra->>'jobId', count(*) FROM records "
                        "WHERE parent_pk IS NULL AND state = 'active' GROUP BY 1"
                    )
                ).all()
            )
            duplicates = connection.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM (SELECT 1 FROM record_files "
                    "GROUP BY record_pk, path HAVING count(*) > 1) AS f) + "
                    "(SELECT count(*) FROM (SELECT 1 FROM record_files WHERE blob_key IS NOT "
                    "NULL GROUP BY blob_key HAVING count(*) > 2) AS b)"
                )
            ).scalar()
            per_crate = connection.execute(
                sa.text(
                    "SELECT count(*) FROM records WHERE parent_pk IS NOT NULL AND state = 'active'"
                )
            ).scalar()
            referenced = referenced_blobs(connection)
        assert crates_per_job == dict.fromkeys(guids, 1)
        assert duplicates == 0
        # the records of a job point at one attempt's blobs only, never at two attempts' copies
        attempts_used = {
            guid: {k.split("/")[2] for k in referenced if k.startswith(f"crates/{guid}/")}
            for guid in guids
        }
        assert all(len(used) == 1 for used in attempts_used.values()), attempts_used
        assert per_crate == JOBS * FILES

        orphans, missing = stored_against_referenced(deployment, referenced, timeout=60)
        print(
            f"\ncrash test: jobs={JOBS} files/job={FILES} kills={len(killed)} "
            f"duplicates={duplicates} orphans={len(orphans)} missing={len(missing)} "
            f"attempts={[j['attempts'] for j in jobs]}"
        )
        assert not missing
        assert not orphans
