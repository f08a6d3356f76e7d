"""Engine and session factory for SQLite (embedded) and PostgreSQL (scale-out)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# Nothing that is not strict JSON can be written: a NaN that slipped past intake fails the
# flush, so its transaction rolls back, instead of committing a record no read can serialise.
strict_json = partial(json.dumps, allow_nan=False)


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=strict_json,
        )
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, json_serializer=strict_json
    )


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers work while the worker writes; foreign keys are off by default in SQLite.
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin_immediate)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
    # A write transaction takes the lock at BEGIN: a deferred one that reads first and writes
    # later fails with "database is locked" (no waiting) if another writer committed meanwhile.
    # Read-only sessions stay deferred so that readers never queue behind the worker.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


WRITE_OPTION = "fairdepot_write"


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(read sessions, write sessions); they differ only on SQLite, in how BEGIN locks."""
    reads = sessionmaker(engine, expire_on_commit=False)
    writes = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return reads, writes
