"""What every PostgreSQL connection of ours is set to (storage/db/engine.py).

Parallel plans: the planner's default estimate for a text match launched a worker for a
statement reading four buffers, 5 of its 5.6 ms at 100k records (docs/performance.md §Query
layer), so our connections plan serially, and price a random read as on an SSD (a hash join
over every record looked cheaper than a few lookups: 74 ms instead of 0.1 ms), unless the
operator chose a value.
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


def _settings(url: str, *names: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [str(connection.exec_driver_sql(f"SHOW {n}").scalar()) for n in names]
    finally:
        engine.dispose()


PARALLEL = "max_parallel_workers_per_gather"


def test_our_connections_plan_without_parallel_workers_and_price_random_reads_low(
    database_url: str,
) -> None:
    url = f"{database_url}?application_name=optionsless"
    assert _settings(url, PARALLEL, "random_page_cost") == ["0", "1.1"]


def test_the_operators_own_number_wins_from_the_url(database_url: str) -> None:
    url = f"{database_url}?options=-c%20{PARALLEL}%3D3"
    assert _settings(url, PARALLEL) == ["3"]


def test_the_operators_pgoptions_are_kept_beside_serial_plans(database_url, monkeypatch) -> None:
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=3000")
    assert _settings(database_url, PARALLEL, "statement_timeout") == ["0", "3s"]
    monkeypatch.setenv("PGOPTIONS", f"-c {PARALLEL}=2")
    assert _settings(database_url, PARALLEL) == ["2"]


def test_a_number_set_for_the_database_wins(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[-1]
    admin = create_engine(database_url)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET {PARALLEL} = 4')
            connection.commit()
    finally:
        admin.dispose()
    assert _settings(database_url, PARALLEL) == ["4"]
