"""The change-stamp probe: has a record changed since we last read its access?

`records.change_stamp` is bumped by triggers (migration 0010) in the same transaction as any
change of the record's row, of its access groups, or of its owner's e-mail. A record's stamp is
`(pk, change_stamp)`: records are never deleted (a delete leaves a tombstone row), so a key that
names the same pk and counter as before names an unchanged record. Reading it is one
single-row read on the unique `ark_key` index, which is what lets the resolver keep access
attributes in a per-process cache and still check them against the shared database on every
request (docs/performance.md §Resolver).

On SQLite the probe has a connection of its own, kept in autocommit (each SELECT sees the last
commit) and with no busy wait, and is cheap enough to run on the event loop: a WAL reader never
waits for a writer, and should SQLite ever be busy the probe answers "unknown" and the caller
takes the ordinary path. On PostgreSQL it is a round trip on a pooled connection and must run
in a thread.
"""

from __future__ import annotations

import sqlite3
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fairdepot.storage.db.engine import SINGLE_STATEMENT_OPTION
from fairdepot.storage.db.models import RecordRow

RecordStamp = tuple[int, int]
"""(records.pk, records.change_stamp)."""

_SQLITE_PROBE = "SELECT pk, change_stamp FROM records WHERE ark_key = ?"


class ChangeStampProbe:
    """Reads records' stamps; `on_event_loop` says whether a call may block the event loop."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._statement = sa.select(RecordRow.pk, RecordRow.change_stamp).where(
            RecordRow.ark_key == sa.bindparam("ark_key")
        )
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        url = engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self._sqlite = sqlite3.connect(
                url.database or "",
                timeout=0,
                isolation_level=None,
                check_same_thread=False,
            )
            self._sqlite.execute("PRAGMA query_only=ON")

    @property
    def on_event_loop(self) -> bool:
        return self._sqlite is not None

    def stamp(self, ark_key: str) -> RecordStamp | None:
        """The record's stamp now; None if there is no such record or it cannot be told."""
        if self._sqlite is not None:
            try:
                with self._lock:
                    found = self._sqlite.execute(_SQLITE_PROBE, (ark_key,)).fetchone()
            except sqlite3.Error:
                return None  # busy or schema changing: the caller reads the record itself
            return (found[0], found[1]) if found else None
        with self._engine.connect() as connection:
            connection = connection.execution_options(**{SINGLE_STATEMENT_OPTION: True})
            row = connection.execute(self._statement, {"ark_key": ark_key}).first()
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        if self._sqlite is not None:
            with self._lock:
                self._sqlite.close()
                self._sqlite = None
