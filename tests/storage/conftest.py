"""Storage fixtures: an empty database of the backend under test (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from fairdepot.storage.db.engine import create_engine
from tests.support.databases import fresh_database_url


@pytest.fixture
def empty_engine(tmp_path) -> Iterator[sa.engine.Engine]:
    """An empty database of the backend under test."""
    with fresh_database_url(tmp_path, "migrate") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def head_engine(tmp_path) -> Iterator[sa.engine.Engine]:
    """PostgreSQL: a copy of a database at the schema's head. SQLite: a new file, which its
    user migrates (upgrading a head copy is a no-op, so both are used the same way)."""
    with fresh_database_url(tmp_path, "head", migrated=True) as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()
