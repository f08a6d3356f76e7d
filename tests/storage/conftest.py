"""Storage fixtures: an empty database of the backend under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from fairdepot.storage.db.engine import create_engine
from tests.support.deployments import backend_name, create_database, drop_database


@pytest.fixture
def empty_engine(tmp_path) -> Iterator[sa.engine.Engine]:
    """An empty database of the backend under test."""
    if backend_name() == "scaleout":
        name = f"fairdepot_migrate_{uuid.uuid4().hex[:10]}"
        engine = create_engine(create_database(name))
        yield engine
        engine.dispose()
        drop_database(name)
    else:
        engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
