"""What the end-to-end tests check after a crash or an outage, and the deployment they run.

Both the scale-out crash test and the outage tests ask the same questions of a deployment:
which blobs does the catalogue refer to, and does the bucket hold exactly those (no orphan
left behind, none missing) once the clean-up has had its time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.support.blobs import blob_keys
from tests.support.deployments import Deployment, scaleout

REFERENCED_BLOBS = sa.text(
    "SELECT blob_key FROM record_files WHERE blob_key IS NOT NULL "
    "UNION SELECT archive_blob_key FROM records WHERE archive_blob_key IS NOT NULL"
)


@contextmanager
def scaleout_with_database(
    root: Path, seaweedfs, **options
) -> Iterator[tuple[Deployment, sa.Engine]]:
    """A scale-out deployment and an engine on its database (pre-ping: tests that cut
    connections cut this engine's too); both are gone after the block."""
    deployment = scaleout(root, seaweedfs, **options)
    try:
        engine = sa.create_engine(deployment.env["FAIRDEPOT_DATABASE_URL"], pool_pre_ping=True)
        try:
            yield deployment, engine
        finally:
            engine.dispose()
    finally:
        deployment.stop()


def referenced_blobs(connection: sa.Connection) -> set[str]:
    """Every blob key a record's file or a crate's archive names."""
    return {row[0] for row in connection.execute(REFERENCED_BLOBS)}


def stored_against_referenced(
    deployment: Deployment, referenced: set[str], timeout: float
) -> tuple[set[str], set[str]]:
    """(orphans, missing) once the bucket holds exactly `referenced`, or when `timeout` ends.

    Deletions run after commit and in the workers' housekeeping, so the bucket may take a
    moment to agree; the wait is bounded and what still differs is returned.
    """
    deadline = time.monotonic() + timeout
    while True:
        stored = set(blob_keys(deployment))
        if stored == referenced or time.monotonic() >= deadline:
            return stored - referenced, referenced - stored
        time.sleep(1)
