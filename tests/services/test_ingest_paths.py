"""Ingest paths that mutation testing found unguarded: re-uploads, identifier checks, archive
limits, member blob keys, outages and the clean-up after each.

Every test runs the real ingest code (services/crates/ingest.py) on a real database and a real blob
store, and looks at what the catalogue and the store hold afterwards, so that a flipped condition
or a dropped call in those paths fails a test (docs/testing.md, mutation testing).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fairdepot.core import ark as arks
from fairdepot.core.errors import Conflict, InvalidInput
from fairdepot.core.records import Access, Face, Record, RecordState
from fairdepot.services import accounts, catalogue, records
from fairdepot.services.crates import ingest
from fairdepot.services.runtime import Runtime
from fairdepot.storage.blobs.s3 import S3BlobStore
from fairdepot.storage.db import blob_references as refs
from fairdepot.storage.db import jobs
from fairdepot.storage.db.models import RecordRevisionRow
from fairdepot.worker.runner import Worker
from tests.services.test_job_cleanup import _claim, _job, _keys
from tests.support.server import free_port
from tests.support.zips import crate_metadata, crate_zip

CRATE = "ark:59852/crate-paths-test"


@pytest.fixture
def alice(runtime: Runtime):
    return accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab-a"])


@pytest.fixture
def bob(runtime: Runtime):
    return accounts.add_user(runtime, "bob", "bob@example.org", "pw", ["lab-b"])


def _actor(runtime: Runtime, user):
    return accounts.actor_for(user, runtime.settings.facility_groups)


def _member(ark: str, path: str) -> dict[str, Any]:
    """A file entity that carries its own ARK (as fairscape-cli mints them) and owns `path`."""
    return {"@id": ark, "@type": "File", "name": path, "contentUrl": f"file:///{path}"}


def _root(ark: str = CRATE) -> dict[str, Any]:
    return {
        "@id": ark,
        "@type": "Dataset",
        "name": "Paths",
        "description": "a crate with identifiers of its own",
        "datePublished": "2025-01-01",
    }


def _crate(members: dict[str, str], files: dict[str, bytes], root: str = CRATE):
    """Metadata whose root and members keep the ARKs given (member ARK -> its file's path)."""
    metadata = crate_metadata(*(_member(a, p) for a, p in members.items()), root=_root(root))
    metadata["@graph"][0] = {**metadata["@graph"][0], "about": {"@id": root}}
    return metadata, files


def _record(ark: str, owner_id: str, name: str = "First"):
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata={"@id": ark, "@type": "Dataset", "name": name},
        access=Access(owner_id=owner_id, owner_group=None, metadata_public=True),
        name=name,
    )


def _ingest(runtime: Runtime, owner, tmp_path: Path, job_id: str, metadata, files):
    """Upload, submit, claim and run one crate job as a worker would; the job row after it."""
    path = crate_zip(tmp_path / f"{job_id}.zip", metadata, files)
    return _ingest_zip(runtime, owner, job_id, path.read_bytes())


def _ingest_zip(runtime: Runtime, owner, job_id: str, data: bytes):
    info = runtime.blobs.write(ingest.upload_key(job_id), [data])
    ingest.submit_crate(runtime, owner, job_id, f"{job_id}.zip", info.size, info.sha256)
    claim = _claim(runtime, "worker")
    assert claim.job_id == job_id
    ingest.run_crate_ingest(runtime, claim)
    return _job(runtime, job_id), claim


def _row(runtime: Runtime, ark: str):
    with runtime.reading() as store:
        row = store.row_by_key(arks.normalise(ark))
        assert row is not None
        return row


def _tmp_files(runtime: Runtime) -> list[Path]:
    return [p for p in runtime.blobs.tmp_dir.rglob("*") if p.is_file()]  # type: ignore[attr-defined]


# --- write_crate: a new upload of a crate ----------------------------------------------------


def test_a_new_upload_tombstones_dropped_members_and_revises_kept_ones(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """The second upload of a crate (same root ARK) is its new revision: members it still has
    are revised in place under the crate, members it dropped become tombstones whose blobs go,
    members it adds are inserted. A member left active would still be served from a crate
    that no longer lists it; a dropped blob would be stored for ever."""
    kept, dropped, added = (f"ark:59852/member-{n}" for n in ("kept", "dropped", "added"))
    first, _ = _ingest(
        runtime,
        alice,
        tmp_path,
        "job-v1",
        *_crate(
            {kept: "data/kept.csv", dropped: "data/dropped.csv"},
            {"data/kept.csv": b"v1\n", "data/dropped.csv": b"going\n"},
        ),
    )
    assert first.state == jobs.COMPLETE, first.error
    actor = _actor(runtime, alice)
    dropped_blob = records.resolve_files(runtime, actor, dropped).files[0].blob_key
    assert dropped_blob is not None
    assert runtime.blobs.exists(dropped_blob)

    second, claim = _ingest(
        runtime,
        alice,
        tmp_path,
        "job-v2",
        *_crate(
            {kept: "data/kept.csv", added: "data/added.csv"},
            {"data/kept.csv": b"v2, longer\n", "data/added.csv": b"new\n"},
        ),
    )

    assert second.state == jobs.COMPLETE, second.error
    assert second.result["identifiers"] == [CRATE, kept, added]
    assert second.result["identifiersMinted"] == 3
    root = _row(runtime, CRATE)
    assert root.revision == 2
    gone = _row(runtime, dropped)
    assert gone.state == RecordState.DELETED.value
    assert gone.tombstone["reason"] == "removed from its crate by a new upload"
    assert gone.tombstone["ark"] == dropped
    assert not runtime.blobs.exists(dropped_blob)
    revised = _row(runtime, kept)
    assert (revised.state, revised.revision) == (RecordState.ACTIVE.value, 2)
    assert revised.parent_pk == root.pk
    kept_record = records.resolve_files(runtime, actor, kept)
    assert kept_record.parent_ark == CRATE
    prefix = ingest.attempt_prefix("job-v2", claim.attempt)
    assert kept_record.files[0].blob_key == ingest.member_blob_key(prefix, "data/kept.csv")
    assert b"".join(runtime.blobs.iter_read(kept_record.files[0].blob_key)) == b"v2, longer\n"
    assert kept_record.files[0].sha256 == hashlib.sha256(b"v2, longer\n").hexdigest()
    assert kept_record.files[0].md5 == hashlib.md5(b"v2, longer\n").hexdigest()
    crate = records.resolve(runtime, actor, CRATE)
    assert crate.access.owner_id == alice.id
    assert crate.crate_parts.source_filename == "job-v2.zip"
    new = _row(runtime, added)
    assert (new.state, new.revision, new.parent_pk) == (RecordState.ACTIVE.value, 1, root.pk)
    with runtime.reading() as store:
        assert {r.ark for r in store.members(root)} == {kept, added}


def test_write_crate_revises_members_as_the_uploader(runtime: Runtime, alice, bob) -> None:
    """A revised member names who revised it, and a member another owner holds is refused
    inside the write (the early check may have run before the other owner took the ARK)."""
    kept = "ark:59852/member-revised-by-alice"
    taken = "ark:59852/member-held-by-bob"
    alice_actor = _actor(runtime, alice)
    root = _record(CRATE, alice.id)
    with runtime.writing() as store:
        ingest.write_crate(store, root, [_record(kept, alice.id)], alice_actor)
    with runtime.writing() as store:
        store.insert(_record(taken, bob.id))
    with runtime.writing() as store:
        ingest.write_crate(store, root, [_record(kept, alice.id, name="Second")], alice_actor)
    revised = _row(runtime, kept)
    assert (revised.revision, revised.name) == (2, "Second")
    with runtime.database.read_sessions() as session:
        authors = session.scalars(
            sa.select(RecordRevisionRow.created_by).where(RecordRevisionRow.record_pk == revised.pk)
        )
        assert list(authors) == [alice.id]

    with pytest.raises(Conflict) as caught, runtime.writing() as store:
        ingest.write_crate(store, root, [_record(taken, alice.id)], alice_actor)
    assert caught.value.message == "the crate carries identifiers it may not use"
    assert [p.as_dict() for p in caught.value.problems] == [
        {"location": taken, "message": "this ARK is held by another owner"}
    ]
    assert _row(runtime, taken).owner_id == bob.id
    assert _row(runtime, CRATE).revision == 2  # the refused write changed nothing
    assert _row(runtime, kept).revision == 2


# --- check_identifiers / identifier_problem --------------------------------------------------


def test_a_crate_carrying_identifiers_it_may_not_use_fails_before_storing_anything(
    runtime: Runtime, alice, bob, tmp_path: Path
) -> None:
    """The early check names every ARK the crate may not use, with the reason, and the job
    fails before a single member is stored: the job leaves no blob, no record is written, and
    the records holding those ARKs are untouched (a user must learn every clash at once, and a
    refused crate must cost the store nothing)."""
    held, trashed, deleted = (f"ark:59852/id-{n}" for n in ("held", "trashed", "deleted"))
    with runtime.writing() as store:
        store.insert(_record(held, alice.id))
        store.insert(_record(trashed, bob.id))
        store.insert(_record(deleted, bob.id))
    catalogue.trash(runtime, _actor(runtime, bob), trashed)
    records.delete(runtime, _actor(runtime, bob), deleted, force=False)
    metadata, files = _crate(
        {held: "data/a.csv", trashed: "data/b.csv", deleted: "data/c.csv"},
        {"data/a.csv": b"a\n", "data/b.csv": b"b\n", "data/c.csv": b"c\n"},
        root="ark:59852/id-fresh-root",
    )

    job, _ = _ingest(runtime, bob, tmp_path, "job-ids", metadata, files)

    assert (job.state, job.stage) == (jobs.FAILED, "failed")
    assert job.error["message"] == "the crate carries identifiers it may not use"
    assert sorted((p["location"], p["message"]) for p in job.error["problems"]) == [
        (deleted, "this ARK was deleted and can never be reused"),
        (held, "this ARK is held by another owner"),
        (trashed, "this ARK is held by a record in the trash; restore or purge it first"),
    ]
    assert _keys(runtime, "job-ids") == []
    with runtime.reading() as store:
        assert store.row_by_key(arks.normalise("ark:59852/id-fresh-root")) is None
    assert _row(runtime, held).owner_id == alice.id


def test_identifier_checks_pass_the_uploaders_own_active_records(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """Kept ARKs the uploader already holds are fine (a re-upload), and minted ones are never
    looked up: check_identifiers raises nothing for such a plan."""
    own = "ark:59852/id-own"
    with runtime.writing() as store:
        store.insert(_record(own, alice.id))
        row = store.row_by_key(arks.normalise(own))
        assert ingest.identifier_problem(row, _actor(runtime, alice)) is None
        assert ingest.identifier_problem(None, _actor(runtime, alice)) is None
    metadata, files = _crate({own: "data/a.csv"}, {"data/a.csv": b"a\n"})
    metadata["@graph"].append({"@id": "data/b.csv", "@type": "File", "name": "minted"})
    job, _ = _ingest(runtime, alice, tmp_path, "job-own", metadata, {**files, "data/b.csv": b"b"})
    assert job.state == jobs.COMPLETE, job.error
    assert job.result["identifiers"][:2] == [CRATE, own]
    assert _row(runtime, own).revision == 2


# --- archive limits --------------------------------------------------------------------------


def _limited(runtime: Runtime, **limits: float) -> None:
    runtime.settings = runtime.settings.model_copy(update=limits)


def _check(runtime: Runtime, key: str, data: bytes) -> None:
    runtime.blobs.write(key, [data])
    ingest.check_archive(runtime, key)


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("ro-crate-metadata.json", json.dumps(crate_metadata()))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_archive_limits_are_the_ones_the_settings_give(runtime: Runtime) -> None:
    """Each zip limit of the settings reaches the archive reader, and at its own bound: a zip
    at the limit passes, one over it is refused with a message naming that limit."""
    three = _zip({"a": b"1", "b": b"2"})  # three entries with the metadata
    _limited(runtime, zip_max_entries=3)
    _check(runtime, "uploads/entries-ok.zip", three)
    _limited(runtime, zip_max_entries=2)
    with pytest.raises(InvalidInput, match="3 entries, over the limit of 2"):
        _check(runtime, "uploads/entries.zip", three)

    metadata_size = len(json.dumps(crate_metadata()))
    most = metadata_size + 100  # the metadata is a member too
    _limited(runtime, zip_max_entries=10, zip_max_member_bytes=most)
    _check(runtime, "uploads/member-ok.zip", _zip({"a": b"x" * most}))
    with pytest.raises(InvalidInput, match=f"{most + 1} bytes, over the {most} byte limit per"):
        _check(runtime, "uploads/member.zip", _zip({"a": b"x" * (most + 1)}))

    _limited(runtime, zip_max_member_bytes=10_000, zip_max_total_bytes=metadata_size + 200)
    _check(runtime, "uploads/total-ok.zip", _zip({"a": b"x" * 100, "b": b"y" * 100}))
    with pytest.raises(InvalidInput, match="over"):
        _check(runtime, "uploads/total.zip", _zip({"a": b"x" * 100, "b": b"y" * 101}))

    _limited(runtime, zip_max_total_bytes=10**9, zip_max_metadata_bytes=metadata_size)
    _check(runtime, "uploads/metadata-ok.zip", _zip({}))
    _limited(runtime, zip_max_metadata_bytes=metadata_size - 1)
    with pytest.raises(InvalidInput, match=f"{metadata_size} bytes, over the"):
        _check(runtime, "uploads/metadata.zip", _zip({}))


def test_the_ratio_limit_is_the_one_the_settings_give(runtime: Runtime) -> None:
    """A 2 MiB member that deflates about tenfold: under the default 200:1, over a 5:1 limit."""
    rng = random.Random(7)
    data = bytes(rng.randrange(256) if i % 12 == 0 else 0 for i in range(2 * 1024 * 1024))
    packed = _zip({"big.bin": data}, zipfile.ZIP_DEFLATED)
    ratio = len(data) / len(packed)
    assert 5 < ratio < 200, ratio
    _check(runtime, "uploads/ratio-default.zip", packed)
    _limited(runtime, zip_max_ratio=5.0)
    with pytest.raises(InvalidInput, match=r"is over 5:1"):
        _check(runtime, "uploads/ratio.zip", packed)


# --- member blob keys ------------------------------------------------------------------------


def test_a_member_blob_key_is_the_attempt_prefix_and_the_sha256_of_its_path() -> None:
    """The key a record keeps must be computed the same way by every release: it is the
    prefix and the hex SHA-256 of the UTF-8 path; a path a zip decoded with surrogates (bytes
    that are no UTF-8) still gets a key instead of an error."""
    prefix = ingest.attempt_prefix("job-1", 2)
    assert prefix == "crates/job-1/2/"
    assert ingest.upload_key("job-1") == "uploads/job-1.zip"
    expected = hashlib.sha256(b"data/t\xc3\xa4ble.csv").hexdigest()
    assert ingest.member_blob_key(prefix, "data/täble.csv") == prefix + expected
    odd = ingest.member_blob_key(prefix, "data/\udcff.bin")
    assert odd == prefix + hashlib.sha256(b"data/\xed\xb3\xbf.bin").hexdigest()


# --- clean-up on failure and outages ---------------------------------------------------------


def test_a_member_that_fails_its_checksum_leaves_no_partial_blob(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """A member whose bytes do not match its CRC fails while it is being stored: the half-written
    blob is aborted (nothing under the store's temporary folder), the job fails, and the files
    stored before it and the upload are queued and deleted."""
    metadata, files = _crate(
        {"ark:59852/m-a": "data/a.csv", "ark:59852/m-b": "data/b.csv"},
        {"data/a.csv": b"fine\n", "data/b.csv": b"corrupted soon" * 1000},
    )
    path = tmp_path / "bad-crc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("ro-crate-metadata.json", json.dumps(metadata))
        for name, data in files.items():
            archive.writestr(name, data)
    data = bytearray(path.read_bytes())
    at = data.index(b"corrupted soon" * 10) + 100
    data[at] ^= 0xFF  # the stored bytes change, the CRC in the headers does not

    job, _ = _ingest_zip(runtime, alice, "job-crc", bytes(data))

    assert job.state == jobs.FAILED
    assert "data/b.csv" in json.dumps(job.error)
    assert _tmp_files(runtime) == []
    assert _keys(runtime, "job-crc") == []


def test_an_outage_requeues_the_job_keeping_the_upload_and_dropping_the_attempt(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """A blob store that refuses connections is no fault of the crate: the job waits to be
    retried with its upload kept, and the blobs of the attempt are queued for deletion (they
    go once the store is back). A retry that then succeeds ingests the same upload."""
    metadata, files = _crate({"ark:59852/m-outage": "data/a.csv"}, {"data/a.csv": b"a\n"})
    path = crate_zip(tmp_path / "outage.zip", metadata, files)
    info = runtime.blobs.write(ingest.upload_key("job-outage"), [path.read_bytes()])
    ingest.submit_crate(runtime, alice, "job-outage", "outage.zip", info.size, info.sha256)
    claim = _claim(runtime, "worker")
    partial = f"{ingest.attempt_prefix('job-outage', claim.attempt)}left-by-this-attempt"
    runtime.blobs.write(partial, [b"x"])
    local = runtime.blobs
    runtime.blobs = _refused_store()
    try:
        ingest.run_crate_ingest(runtime, claim)
    finally:
        runtime.blobs.close()
        runtime.blobs = local

    job = _job(runtime, "job-outage")
    assert (job.state, job.retries) == (jobs.PENDING, 1)
    assert "the blob store is unavailable" in (job.stage or "")
    assert runtime.blobs.exists(ingest.upload_key("job-outage"))
    runtime.flush_blob_deletions()  # the store is back: the outbox is applied
    assert _keys(runtime, "job-outage") == [ingest.upload_key("job-outage")]


def test_an_outage_with_no_retries_left_fails_the_job_and_removes_its_blobs(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """Once the retries are used up, the job fails and leaves nothing: neither the attempt's
    blobs nor the upload (nor any other attempt's)."""
    _limited(runtime, job_max_retries=0)
    metadata, files = _crate({"ark:59852/m-gave-up": "data/a.csv"}, {"data/a.csv": b"a\n"})
    path = crate_zip(tmp_path / "gave-up.zip", metadata, files)
    info = runtime.blobs.write(ingest.upload_key("job-gave-up"), [path.read_bytes()])
    ingest.submit_crate(runtime, alice, "job-gave-up", "gave-up.zip", info.size, info.sha256)
    claim = _claim(runtime, "worker")
    runtime.blobs.write(f"{ingest.attempt_prefix('job-gave-up', claim.attempt)}partial", [b"x"])
    runtime.blobs.write(f"{ingest.attempt_prefix('job-gave-up', 9)}other", [b"x"])
    local = runtime.blobs
    runtime.blobs = _refused_store()
    try:
        ingest.run_crate_ingest(runtime, claim)
    finally:
        runtime.blobs.close()
        runtime.blobs = local

    job = _job(runtime, "job-gave-up")
    assert job.state == jobs.FAILED
    assert "still unavailable after 0 retries" in job.error["message"]
    Worker(runtime, name="housekeeper").run_once()  # applies what the outage left queued
    assert _keys(runtime, "job-gave-up") == []


def _refused_store() -> S3BlobStore:
    """A real S3 client for a port nobody listens on: every call is refused at once."""
    return S3BlobStore(
        "bucket",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        region="us-east-1",
        access_key_id="k",
        secret_access_key="s",
        create_bucket=False,
        connect_timeout=0.5,
        read_timeout=0.5,
        max_attempts=1,
    )


def test_the_worker_applies_the_archive_and_json_limits_itself(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """The worker reopens the upload under the limits of its own settings (the upload check
    may have run on another node, or before the limits were lowered): a crate over them fails
    as the user's error, and leaves nothing behind."""
    metadata, files = _crate({"ark:59852/m-limit": "data/a.csv"}, {"data/a.csv": b"a\n"})
    _limited(runtime, zip_max_entries=1)
    job, _ = _ingest(runtime, alice, tmp_path, "job-entries", metadata, files)
    assert job.state == jobs.FAILED
    assert "2 entries, over the limit of 1" in job.error["message"]
    assert _keys(runtime, "job-entries") == []

    _limited(runtime, zip_max_entries=10, json_max_depth=4)
    metadata["@graph"][1]["keywords"] = [[[["deep"]]]]
    job, _ = _ingest(runtime, alice, tmp_path, "job-deep", metadata, files)
    assert job.state == jobs.FAILED
    assert "nested deeper than 4 levels" in json.dumps(job.error)
    assert _keys(runtime, "job-deep") == []


def test_a_pending_upload_is_referenced_with_the_size_and_checksum_submitted(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """Backups and fixity checks know an upload that is still waiting for a worker by the job
    payload: its key, its size and its SHA-256 as the API measured them."""
    data = crate_zip(tmp_path / "pending.zip", *_crate({}, {})).read_bytes()
    info = runtime.blobs.write(ingest.upload_key("job-pending"), [data])
    job = ingest.submit_crate(runtime, alice, "job-pending", "pending.zip", info.size, info.sha256)
    assert job.payload["filename"] == "pending.zip"
    assert job.payload["ownerGroup"] == "lab-a"
    with runtime.database.engine.connect() as connection:
        found = [r for r in refs.upload_references(connection) if r.owner == "job job-pending"]
    assert [(r.key, r.size, r.sha256) for r in found] == [
        (ingest.upload_key("job-pending"), len(data), hashlib.sha256(data).hexdigest())
    ]


def test_a_fairscape_crate_gets_the_format_fairscape_clients_read(
    runtime: Runtime, alice, fresh_fairscape_zip: Path
) -> None:
    """FAIRSCAPE clients read a file's media type from `format`: in a crate fairscape-cli made
    (root typed ROCrate), every stored file's `format` is a media type, whatever was declared."""
    job, _ = _ingest_zip(runtime, alice, "job-fairscape", fresh_fairscape_zip.read_bytes())
    assert job.state == jobs.COMPLETE, job.error
    actor = _actor(runtime, alice)
    crate = records.resolve(runtime, actor, job.result["rocrateIdentifier"])
    formats = {
        member.metadata["name"]: member.metadata.get("format")
        for member in records.members(runtime, actor, crate)
        if member.files
    }
    assert formats
    assert all(isinstance(f, str) and "/" in f for f in formats.values()), formats
