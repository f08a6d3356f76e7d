"""What every PostgreSQL connection of ours is set to (storage/db/engine.py).

Parallel plans: the planner's default estimate for a text match launched a worker for a
statement reading four buffers, 5 of its 5.6 ms at 100k records (docs/performance.md §Query
layer), so our connections plan serially unless the operator's URL says otherwise.
"""

from __future__ import annotations

import uuid

import pytest

from fairdepot.storage.db.engine import create_engine
from tests.support.deployments import backend_name, create_database, drop_database


@pytest.fixture
def database_url():
    if backend_name() != "scaleout":
        pytest.skip("PostgreSQL connection settings: scale-out pass")
    name = f"fairdepot_settings_{uuid.uuid4().hex[:10]}"
    url = create_database(name)
    yield url
    drop_database(name)


def _setting(url: str, name: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.exec_driver_sql(f"SHOW {name}").scalar())
    finally:
        engine.dispose()


def test_our_connections_plan_without_parallel_workers(database_url: str) -> None:
    assert _setting(database_url, "max_parallel_workers_per_gather") == "0"


def test_the_operators_own_connection_options_win(database_url: str) -> None:
    url = f"{database_url}?options=-c%20max_parallel_workers_per_gather%3D3"
    assert _setting(url, "max_parallel_workers_per_gather") == "3"
