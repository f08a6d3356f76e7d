"""Queued blob deletions wait out the grace period, counted from the last time a blob was queued,
so a backup copying blobs after its database snapshot still finds every one (on both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairdepot.config import Settings
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.storage.db.models import BlobDeletionRow, utcnow

GRACE = 3600


@pytest.fixture
def runtime(empty_engine, tmp_path):
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=empty_engine.url.render_as_string(hide_password=False),
        storage_url=str(tmp_path / "blobs"),
        blob_deletion_grace_seconds=GRACE,
    )
    runtime = build_runtime(settings, migrate=True)
    yield runtime
    runtime.close()


def _queue(runtime: Runtime, key: str, age: timedelta, *, prefix: bool = False) -> None:
    with runtime.database.write_sessions() as session:
        session.add(BlobDeletionRow(blob_key=key, is_prefix=prefix, created_at=utcnow() - age))
        session.commit()


def _queued(runtime: Runtime) -> list[str]:
    with runtime.database.read_sessions() as session:
        return sorted(session.scalars(sa.select(BlobDeletionRow.blob_key)))


def test_a_queued_blob_is_deleted_only_after_the_grace_period(runtime) -> None:
    runtime.blobs.write("entities/a/content", [b"a"])
    runtime.blobs.write("crates/job/1/x.csv", [b"x"])
    _queue(runtime, "entities/a/content", timedelta(seconds=10))
    _queue(runtime, "crates/job/1/", timedelta(seconds=10), prefix=True)
    assert runtime.flush_blob_deletions() == 0
    assert runtime.blobs.exists("entities/a/content")
    assert runtime.blobs.exists("crates/job/1/x.csv")
    assert _queued(runtime) == ["crates/job/1/", "entities/a/content"]

    _queue(runtime, "entities/b/content", timedelta(seconds=GRACE + 60))
    runtime.blobs.write("entities/b/content", [b"b"])
    assert runtime.flush_blob_deletions() == 1
    assert not runtime.blobs.exists("entities/b/content")
    assert runtime.blobs.exists("entities/a/content")


def test_queueing_a_blob_again_restarts_its_grace_period(runtime) -> None:
    """Two records shared a blob; the second lost it later: the later queueing counts."""
    runtime.blobs.write("crates/j/1/shared.csv", [b"shared"])
    _queue(runtime, "crates/j/1/shared.csv", timedelta(seconds=GRACE + 60))
    _queue(runtime, "crates/j/1/shared.csv", timedelta(seconds=5))
    assert runtime.flush_blob_deletions() == 0
    assert runtime.blobs.exists("crates/j/1/shared.csv")
    assert _queued(runtime) == ["crates/j/1/shared.csv"]  # the newer entry waits on
