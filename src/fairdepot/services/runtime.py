"""Assembly of the storage adapters a process needs, built once from Settings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fairdepot.config import Settings
from fairdepot.core.errors import Conflict, PreconditionFailed
from fairdepot.core.json_input import JsonLimits
from fairdepot.storage.blobs.interface import BlobStore
from fairdepot.storage.db.engine import create_engine, session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import BlobDeletionRow, RecordFileRow, RecordRow
from fairdepot.storage.db.records import RecordStore, StaleRevision
from fairdepot.storage.search import SearchIndex, search_index_for

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]
    blobs: BlobStore
    search: SearchIndex
    job_submitted: threading.Event = field(default_factory=threading.Event)

    @contextmanager
    def reading(self) -> Iterator[RecordStore]:
        with self.read_sessions() as session:
            yield RecordStore(session, self.search)

    @contextmanager
    def writing(self) -> Iterator[RecordStore]:
        """One transaction; blobs it orphaned are removed only after it commits."""
        session = self.write_sessions()
        try:
            store = RecordStore(session, self.search)
            yield store
            session.commit()
        except (StaleDataError, StaleRevision) as exc:
            session.rollback()
            raise PreconditionFailed(
                "the record was changed by someone else meanwhile; reload it and try again"
            ) from exc
        except IntegrityError as exc:
            session.rollback()
            raise Conflict("a concurrent change conflicts with this one; try again") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if not store.queued_deletions:
            return  # most writes orphan nothing: no second transaction for them
        try:  # best effort: what fails here is retried by the workers' housekeeping
            self.flush_blob_deletions()
        except Exception:
            log.exception("deleting orphaned blobs failed; housekeeping will retry")

    def flush_blob_deletions(self) -> int:
        """Delete queued blobs that no record references any more; safe to run anywhere, twice."""
        removed = 0
        with self.write_sessions() as session:
            queued = session.scalars(sa.select(BlobDeletionRow).limit(1000)).all()
            for item in queued:
                if item.is_prefix:  # an attempt's or a failed job's folder: nobody refers to it
                    removed += self.blobs.delete_prefix(item.blob_key)
                    session.delete(item)
                    continue
                referenced = session.scalar(
                    sa.select(sa.func.count())
                    .select_from(RecordFileRow)
                    .where(RecordFileRow.blob_key == item.blob_key)
                ) or session.scalar(
                    sa.select(sa.func.count())
                    .select_from(RecordRow)
                    .where(RecordRow.archive_blob_key == item.blob_key)
                )
                if not referenced:
                    self.blobs.delete(item.blob_key)
                    removed += 1
                session.delete(item)
            session.commit()
        return removed

    def close(self) -> None:
        self.blobs.close()
        self.engine.dispose()


def json_limits(settings: Settings) -> JsonLimits:
    """What JSON every face and the crate reader accept (core.json_input), from the settings."""
    return JsonLimits(settings.json_max_depth, settings.json_max_number_length)


def build_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.resolved_database_url)
    if migrate:
        upgrade(engine)
    reads, writes = session_factories(engine)
    blobs = blob_store_for(settings)
    return Runtime(settings, engine, reads, writes, blobs, search_index_for(engine.dialect.name))


def blob_store_for(settings: Settings) -> BlobStore:
    """The blob store the settings name (a local folder by default, or S3)."""
    from fairdepot.storage.blobs.factory import S3Options, open_blob_store

    return open_blob_store(
        settings.storage_url,
        data_dir=settings.data_dir,
        s3_options=S3Options(
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        ),
    )
