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
