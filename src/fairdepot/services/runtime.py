"""Assembly of the storage adapters a process needs, built once from Settings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fairdepot.config import Settings
from fairdepot.core.errors import DependencyUnavailable
from fairdepot.core.json_input import JsonLimits
from fairdepot.services.login_throttle import LoginThrottle
from fairdepot.services.representation_cache import AccessCache, RepresentationCache
from fairdepot.services.uow import apply_blob_outbox, unit_of_work
from fairdepot.storage.blobs.interface import BlobStore
from fairdepot.storage.db.change_stamps import ChangeStampProbe
from fairdepot.storage.db.engine import Database
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.records import RecordStore
from fairdepot.storage.login_attempts import open_attempt_counters
from fairdepot.storage.search import SearchIndex, search_index_for

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a process (API, worker, CLI command) works with, built once.

    `database` is storage's opaque handle: services pass it to storage (units of work,
    `storage.db.blob_references`) and never look inside (no SQLAlchemy outside storage).
    """

    settings: Settings
    database: Database
    blobs: BlobStore
    search: SearchIndex
    login_throttle: LoginThrottle
    job_submitted: threading.Event = field(default_factory=threading.Event)
    representations: RepresentationCache = field(default_factory=lambda: RepresentationCache(0))
    accesses: AccessCache | None = None
    """Records' access attributes, revalidated by change stamp (services.records.version)."""

    @contextmanager
    def reading(self) -> Iterator[RecordStore]:
        with self.database.read_sessions() as session:
            yield RecordStore(session, self.search)

    @contextmanager
    def writing(self) -> Iterator[RecordStore]:
        """The records repository of one unit of work (`services/uow.py`)."""
        with unit_of_work(self) as work:
            yield work.records

    def discard_blob(self, key: str) -> None:
        """Delete a blob no record refers to; if the store is down, queue it in the outbox.

        For uploads refused or failed before anything refers to them: during an outage the
        delete would fail too, and the blob would stay for ever.
        """
        try:
            self.blobs.delete(key)
        except DependencyUnavailable:
            try:
                with self.writing() as store:
                    store.delete_blob_later(key)
            except DependencyUnavailable as exc:
                log.warning("could not delete or queue blob %s: %s", key, exc)

    def flush_blob_deletions(self) -> int:
        """Apply the blob-deletion outbox (`services.uow.apply_blob_outbox`)."""
        return apply_blob_outbox(self)

    def close(self) -> None:
        if self.accesses is not None:
            self.accesses.probe.close()
        self.login_throttle.counters.close()
        self.blobs.close()
        self.database.dispose()


def json_limits(settings: Settings) -> JsonLimits:
    """What JSON every face and the crate reader accept (core.json_input), from the settings."""
    return JsonLimits(settings.json_max_depth, settings.json_max_number_length)


def build_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    """The adapters for `settings`; `migrate` brings the schema to head first.

    Nothing is created here beyond what the adapters need (no data folder for a PostgreSQL +
    S3 deployment); commands that must not create a catalogue check first
    (`services.catalogue_location`).
    """
    database = Database.open(settings.resolved_database_url)
    if migrate:
        upgrade(database.engine)
    blobs = blob_store_for(settings)
    counters = open_attempt_counters(
        database.write_sessions, redis_url=settings.redis_url, key_prefix=settings.redis_key_prefix
    )
    return Runtime(
        settings,
        database,
        blobs,
        search_index_for(database.dialect),
        login_throttle=LoginThrottle.from_settings(counters, settings),
        representations=RepresentationCache(settings.representation_cache_bytes),
        accesses=AccessCache(ChangeStampProbe(database.engine)),
    )


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
            connect_timeout=settings.s3_connect_timeout_seconds,
            read_timeout=settings.s3_read_timeout_seconds,
            max_attempts=settings.s3_max_attempts,
            unavailable_seconds=settings.unavailable_retry_after_seconds,
        ),
    )
