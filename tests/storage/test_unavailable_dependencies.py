"""Storage adapters say "unavailable" in one way, quickly, whatever their driver says.

Real sockets, no mocks: a port nobody listens on (connection refused), a socket that accepts
connections and never answers (what a frozen server looks like to a client), and a PostgreSQL
connection terminated by the server.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.storage.blobs.s3 import S3BlobStore
from fairdepot.storage.db.engine import DatabaseFailed, create_engine
from fairdepot.storage.db.migrate import current_revision
from tests.support.deployments import backend_name, create_database, drop_database
from tests.support.server import free_port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A listening socket that never accepts: the kernel completes handshakes, nobody answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def _store(port: int, **options: float) -> S3BlobStore:
    return S3BlobStore(
        "bucket",
        endpoint_url=f"http://127.0.0.1:{port}",
        region="us-east-1",
        access_key_id="k",
        secret_access_key="s",
        create_bucket=False,
        **options,  # type: ignore[arg-type]
    )


def _timed_failure(call) -> tuple[DependencyUnavailable, float]:
    started = time.monotonic()
    with pytest.raises(DependencyUnavailable) as caught:
        call()
    return caught.value, time.monotonic() - started


def test_a_refused_store_is_unavailable_and_then_fails_fast() -> None:
    store = _store(free_port(), connect_timeout=0.5, read_timeout=0.5, max_attempts=1)
    try:
        first, _ = _timed_failure(lambda: store.exists("a"))
        assert first.dependency == "blob store"
        assert "EndpointConnectionError" in first.cause
        again, took = _timed_failure(lambda: list(store.iter_read("a")))
        assert took < 0.1  # not asked again during the cool-down
        assert "not asked again" in again.cause
    finally:
        store.close()


def test_a_silent_store_times_out_within_the_configured_bounds(silent_port: int) -> None:
    store = _store(silent_port, connect_timeout=0.5, read_timeout=0.5, max_attempts=2)
    try:
        error, took = _timed_failure(lambda: store.open_write("a").commit())
        assert "ReadTimeoutError" in error.cause
        assert took < 0.5 * 2 + 1.5  # read timeout x attempts, plus botocore's retry delay
        # The first probe also builds the probe client (botocore loads its service model, which
        # takes a second on a loaded machine); the bound is about the network wait, so warm up.
        _timed_failure(lambda: store.check_available(0.3))
        readiness, took = _timed_failure(lambda: store.check_available(0.3))
        assert took < 0.3 + 1.2  # the probe's timeout, not botocore's 60 s default
        assert readiness.dependency == "blob store"
    finally:
        store.close()


def test_a_refused_database_is_unavailable() -> None:
    if backend_name() != "scaleout":
        pytest.skip("PostgreSQL connection errors: scale-out pass")
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
    try:
        error, _ = _timed_failure(engine.connect)
        assert error.dependency == "database"
    finally:
        engine.dispose()


def test_a_terminated_database_connection_is_unavailable_and_the_pool_recovers() -> None:
    if backend_name() != "scaleout":
        pytest.skip("pg_terminate_backend: scale-out pass")
    name = f"fairdepot_cut_{uuid.uuid4().hex[:10]}"
    engine = create_engine(create_database(name))
    try:
        with engine.connect() as connection:
            pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
            with engine.connect() as killer:
                killer.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            error, _ = _timed_failure(lambda: connection.execute(sa.text("SELECT 1")))
            assert "AdminShutdown" in error.cause
        with engine.connect() as connection:  # pre-ping: a fresh connection, no error
            assert connection.execute(sa.text("SELECT 2")).scalar() == 2
        with engine.connect() as connection, pytest.raises(sa.exc.ProgrammingError):
            connection.execute(sa.text("SELECT * FROM no_such_table"))  # a bug stays a bug
    finally:
        engine.dispose()
        drop_database(name)


@pytest.mark.parametrize("listing", ["list_keys", "list_blobs"])
def test_an_outage_while_listing_is_unavailable(silent_port: int, listing: str) -> None:
    """Listings page through a paginator, outside the client's own guarded calls."""
    store = _store(silent_port, connect_timeout=0.5, read_timeout=0.5, max_attempts=1)
    try:
        error, _ = _timed_failure(lambda: list(getattr(store, listing)("crates/")))
        assert error.dependency == "blob store"
        assert "ReadTimeoutError" in error.cause
    finally:
        store.close()


def test_a_missing_postgresql_database_is_unavailable_to_the_schema_check() -> None:
    """psycopg reports a refused connection without a SQLSTATE: the engine's hook maps it."""
    if backend_name() != "scaleout":
        pytest.skip("a missing PostgreSQL database: scale-out pass")
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/none_{uuid.uuid4().hex}")
    try:
        error, _ = _timed_failure(lambda: current_revision(engine))
        assert error.dependency == "database"
        assert "does not exist" in error.cause
    finally:
        engine.dispose()


def test_a_database_file_sqlite_cannot_open_is_unavailable_to_the_schema_check(tmp_path) -> None:
    """SQLite's "unable to open database file" is no outage to the engine's hook (a statement
    cannot cause it, but nor will a retry cure it); the operator commands' schema check is
    where it is met, and storage, not the service, names it."""
    unopenable = tmp_path / "fairdepot.db"
    unopenable.mkdir()  # exists, as the embedded check asks, but is no file
    engine = create_engine(f"sqlite:///{unopenable}")
    try:
        error, _ = _timed_failure(lambda: current_revision(engine))
        assert error.dependency == "database"
        assert "unable to open database file" in error.cause
    finally:
        engine.dispose()


def test_a_database_that_cannot_be_opened_is_a_storage_error_not_a_driver_one(tmp_path) -> None:
    """A failure a retry will not cure is `DatabaseFailed` with the driver's reason.

    Services, faces and the CLI catch it without importing SQLAlchemy (tests/test_layers.py);
    an outage stays `DependencyUnavailable` (the tests above).
    """
    engine = create_engine(f"sqlite:///{tmp_path}")  # a folder: SQLite cannot open it
    try:
        with pytest.raises(DatabaseFailed) as caught:
            engine.connect()
        assert "unable to open database file" in caught.value.reason
        assert not isinstance(caught.value, DependencyUnavailable)
    finally:
        engine.dispose()
