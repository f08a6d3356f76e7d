"""Engine and session factory for SQLite (embedded) and PostgreSQL (scale-out).

Errors that say the database is unavailable rather than that the statement is wrong are raised
as `DependencyUnavailable` (see `_translate_unavailable`), so services and faces can retry or
answer 503 without knowing SQLAlchemy or psycopg.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from fairdepot.core.errors import DependencyUnavailable

DATABASE = "database"
CONNECT_TIMEOUT = 10  # seconds, PostgreSQL
SQLITE_POOL_SIZE = 40
# SQLSTATEs (PostgreSQL) of a statement that may succeed when tried again: connection
# exceptions (class 08), serialization failure, deadlock, admin/crash shutdown, "cannot connect
# now" (starting up), too many connections, lock not available.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03", "53300", "55P03"})
TRANSIENT_SQLSTATE_CLASSES = ("08",)

# Nothing that is not strict JSON can be written: a NaN that slipped past intake fails the
# flush, so its transaction rolls back, instead of committing a record no read can serialise.
strict_json = partial(json.dumps, allow_nan=False)


PLANNER_SETTINGS = (
    "SELECT set_config(ours.name, ours.value, false)"
    " FROM (VALUES ('max_parallel_workers_per_gather', '0'), ('random_page_cost', '1.1'))"
    " AS ours(name, value) JOIN pg_settings USING (name) WHERE pg_settings.source = 'default'"
)
"""How the planner should cost our statements, set on each new connection where nobody set
the value (any operator's choice: postgresql.conf, ALTER DATABASE/ROLE ... SET, the URL's or
PGOPTIONS' `options`, wins). One statement per connection.

- No parallel workers: our statements are index lookups and walks; with the planner's default
  estimate for a text match (2,000 rows at 100k records) it launched a worker for a statement
  that reads four buffers (5 of its 5.6 ms); even the administrator's unfiltered facet (an
  index-only scan of 100k entries) was 20.8 ms with two workers and 17.7 ms without, on two
  cores; and workers compete with the other requests for the same cores.
- `random_page_cost` 1.1 (PostgreSQL's default 4.0 prices a random read as on a spinning
  disk): without workers, the same 2,000-row estimate made a hash join over a sequential scan
  of `records` look cheaper than 2,000 lookups by primary key, 74 ms instead of 0.1 ms for a
  text search finding one record at 100k (docs/performance.md §Query layer).
"""


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # As many pooled connections as request threads (anyio's default limit is 40): the
        # default 5 (+10 overflow) made busy readers open, tune and close a connection per
        # request, a third of a resolve's time (docs/performance.md).
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=strict_json,
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_POOL_SIZE,
        )
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_immediate)
    else:
        # pre-ping: a connection the server dropped while it sat in the pool (restart,
        # pg_terminate_backend) is replaced at checkout instead of failing the next request;
        # a connect timeout, so that a server that does not answer cannot hold a request
        # (or /readyz) for the minutes TCP takes to give up (the URL's own value wins)
        connect = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT}
        engine = sa.create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=10,
            connect_args=connect,
            json_serializer=strict_json,
            # pinned, whatever the server's default_transaction_isolation: named locks
            # (locks.py) rely on each statement seeing what was committed before it began
            isolation_level="READ COMMITTED",
        )
        event.listen(engine, "connect", _tune_planner)
    event.listen(engine, "handle_error", _translate_unavailable)
    return engine


class DatabaseFailed(RuntimeError):
    """The database refused or failed a statement for a reason a retry will not cure.

    For example a wrong password, a missing schema, an unreadable SQLite file. Raised instead of
    SQLAlchemy's `OperationalError` so that the CLI can say "the database failed" in one line
    without importing SQLAlchemy; a face lets it become a 500 (it is not the client's doing).
    `reason` is the driver's first line.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Database:
    """One database a process uses: its engine and its read and write session factories.

    Services hold it as an opaque handle and pass it to storage functions; only storage looks
    inside (`tests/test_layers.py` keeps SQLAlchemy out of services, faces, worker and CLI).
    """

    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str) -> Database:
        engine = create_engine(url)
        reads, writes = session_factories(engine)
        return cls(engine, reads, writes)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def ping(self) -> None:
        ping(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def ping(engine: Engine) -> None:
    """One round trip to the database (the readiness probe); outages raise as usual."""
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def describe_database(url: str) -> tuple[str, Path | None]:
    """(the URL with its password hidden, the SQLite file it names or None), for messages."""
    parsed = sa.engine.make_url(url)
    sqlite_file = None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        sqlite_file = Path(parsed.database or "").resolve()
    return parsed.render_as_string(hide_password=True), sqlite_file


def is_transient(context: ExceptionContext) -> bool:
    """The database, not the statement, failed: a later try may succeed."""
    error = context.original_exception
    if context.is_disconnect:
        return True
    if context.dialect.name == "sqlite":
        text = str(error).lower()  # SQLite's only transient failure: another writer holds it
        return "database is locked" in text or "database is busy" in text
    dbapi = context.dialect.loaded_dbapi
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate is None:
        # psycopg: no SQLSTATE means no answer from a server (refused, reset, closed, timeout)
        return isinstance(error, (dbapi.OperationalError, dbapi.InterfaceError))
    return sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith(TRANSIENT_SQLSTATE_CLASSES)


def _translate_unavailable(context: ExceptionContext) -> BaseException | None:
    if context.is_pre_ping:
        return None  # the pool handles a failed ping itself: it opens a new connection
    error = context.original_exception
    if not is_transient(context):
        if isinstance(context.sqlalchemy_exception, sa.exc.OperationalError):
            return DatabaseFailed(_first_line(error))
        return None
    return DependencyUnavailable(DATABASE, f"{type(error).__name__}: {_first_line(error)}"[:300])


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _tune_planner(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    with dbapi_connection.cursor() as cursor:
        cursor.execute(PLANNER_SETTINGS)
    dbapi_connection.commit()


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
    # A read of one statement is consistent by itself: no BEGIN/ROLLBACK round trips for it
    # (the resolver's version check, docs/performance.md).
    options = connection.get_execution_options()
    if options.get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif not options.get(SINGLE_STATEMENT_OPTION):
        connection.exec_driver_sql("BEGIN")


WRITE_OPTION = "fairdepot_write"
SINGLE_STATEMENT_OPTION = "fairdepot_single_statement"
"""Set on the connection of a read session whose first use is one statement that needs no
transaction around it (SQLite then runs it in autocommit)."""


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(read sessions, write sessions); they differ only on SQLite, in how BEGIN locks."""
    reads = sessionmaker(engine, expire_on_commit=False)
    writes = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return reads, writes
