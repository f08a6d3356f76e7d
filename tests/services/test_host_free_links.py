"""What a worker stores names no host; ETags and cached bodies are per public URL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from fairdepot.core.policy import ANONYMOUS
from fairdepot.services import accounts, entities, records
from fairdepot.services.crates import ingest
from fairdepot.services.crates.records import StoredFile
from fairdepot.services.representation_cache import Representation
from fairdepot.services.runtime import Runtime
from fairdepot.storage.db.models import RecordRevisionRow, RecordRow
from tests.services.test_job_cleanup import _claim, _job, _submit

POISON = "http://worker-must-not-use.invalid:1"


@pytest.fixture
def alice(runtime: Runtime):
    return accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab-a"])


def _stored_documents(runtime: Runtime) -> list[str]:
    with runtime.database.read_sessions() as session:
        rows = session.scalars(sa.select(RecordRow)).all()
        revisions = session.scalars(sa.select(RecordRevisionRow)).all()
        return [json.dumps([r.metadata_doc, r.extra]) for r in rows] + [
            json.dumps(r.metadata_doc) for r in revisions
        ]


def test_an_ingest_stores_host_free_links_whatever_the_worker_s_public_url(
    runtime: Runtime, alice, tmp_path
) -> None:
    runtime.settings.public_url = POISON  # a worker's setting must not reach what it stores
    job_id = _submit(runtime, alice, tmp_path)
    ingest.run_crate_ingest(runtime, _claim(runtime, "w1"))
    crate = _job(runtime, job_id).result["rocrateIdentifier"]

    stored = _stored_documents(runtime)
    assert stored
    assert not any("invalid" in s or "127.0.0.1" in s for s in stored), stored
    members = records.members(runtime, ANONYMOUS, records.resolve(runtime, ANONYMOUS, crate))
    table = next(m for m in members if m.files)
    assert table.metadata["contentUrl"] == f"fairdepot:/api/download/{table.ark}"


def test_a_registered_dataset_s_download_link_is_stored_without_a_host(
    runtime: Runtime, alice
) -> None:
    runtime.settings.public_url = POISON
    info = runtime.blobs.write("entities/e1/x.csv", [b"a,b\n"])
    stored = StoredFile("x.csv", "entities/e1/x.csv", info.size, info.sha256, "0" * 32)
    record = entities.register_entity(
        runtime, alice, {"@type": "Dataset", "name": "x"}, "Dataset", stored
    )
    assert record.metadata["contentUrl"] == f"fairdepot:/api/dataset/download/{record.ark}"
    assert not any("invalid" in s for s in _stored_documents(runtime))


def test_two_public_urls_never_share_an_etag_or_a_cached_body(runtime: Runtime, alice) -> None:
    record = entities.register_entity(runtime, alice, {"@type": "Dataset", "name": "x"}, None)
    runtime.settings.public_url = "http://one.example"
    first = records.version(runtime, ANONYMOUS, record.ark)
    runtime.settings.public_url = "http://two.example/"
    second = records.version(runtime, ANONYMOUS, record.ark)
    assert (first.revision, first.view) == (second.revision, second.view)
    assert first.etag("json") != second.etag("json")
    runtime.representations.put((first, "json"), Representation(b"{}", "application/json"))
    assert runtime.representations.get((second, "json")) is None
    assert second == records.version_of(
        runtime, records.resolve(runtime, ANONYMOUS, record.ark), ANONYMOUS
    )
