"""An empty catalogue database of the backend under test, for tests below the HTTP faces.

The scale-out pass gets a fresh PostgreSQL database per test (dropped afterwards), the embedded
pass a SQLite file, so every test that touches storage proves its point on both databases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.deployments import backend_name, create_database, drop_database


@contextmanager
def fresh_database_url(folder: Path, purpose: str = "unit") -> Iterator[str]:
    """The URL of an empty database: PostgreSQL in the scale-out pass, SQLite otherwise."""
    if backend_name() == "scaleout":
        name = f"fairdepot_{purpose}_{uuid.uuid4().hex[:10]}"
        url = create_database(name)
        try:
            yield url
        finally:
            drop_database(name)
    else:
        yield f"sqlite:///{folder / 'fresh.db'}"
