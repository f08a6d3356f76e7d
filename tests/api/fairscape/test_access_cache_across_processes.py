"""Every API process keeps records' access in its own cache; a change through one process, or
behind them all, is seen by every process on its next read (docs/performance.md §Resolver).

In the scale-out pass there are two API processes, each addressed directly (no balancer), so
"change through A, read through B" is what happens; in the embedded pass A and B are the same.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fairdepot.config import Settings
from fairdepot.core.ark import normalise
from tests.conftest import Api


@pytest.fixture
def dataset(api, fresh_fairscape_zip) -> str:
    job = api.ingest(fresh_fairscape_zip)
    assert job["status"] == "COMPLETE", job
    return next(i for i in job["identifiers"] if "/dataset-input-expression" in i)


@pytest.fixture
def processes(server) -> list[Api]:
    return [Api(process) for process in server.servers]


def _warm(processes: list[Api], path: str, headers: dict[str, str] | None = None) -> None:
    """Two reads through each process: the first fills its caches, the second is a hit."""
    for process in processes:
        for _ in range(2):
            answer = process.http.get(path, headers=headers or {})
            assert answer.status_code == 200, answer.text


def _database(server) -> sa.engine.Engine:
    env = server.env
    fields = {k[len("FAIRDEPOT_") :].lower(): v for k, v in env.items() if k[:10] == "FAIRDEPOT_"}
    return sa.create_engine(Settings(**fields).resolved_database_url)


def test_a_delete_through_one_process_is_gone_in_every_process(processes, dataset) -> None:
    path = f"/{dataset}"
    _warm(processes, path)
    first = processes[0]
    deleted = first.http.delete(path, headers=first.auth("alice"), params={"force": "true"})
    assert deleted.status_code == 200, deleted.text
    for process in processes:
        for accept in ("application/json", "text/turtle"):
            assert process.http.get(path, headers={"Accept": accept}).status_code == 410


def test_a_record_made_private_behind_every_process_is_not_found(server, processes, dataset):
    path = f"/{dataset}"
    _warm(processes, path)
    _warm(processes, path, processes[0].auth("alice"))
    engine = _database(server)
    with engine.begin() as connection:  # no new revision: only the stamp tells
        connection.execute(
            sa.text(
                "UPDATE records SET metadata_public = :no, publication_status = 'DRAFT'"
                " WHERE ark_key = :key"
            ),
            {"no": False, "key": normalise(dataset)},
        )
    engine.dispose()
    for process in processes:
        assert process.http.get(path).status_code == 404
        assert process.http.get(path, headers=process.auth("alice")).status_code == 200


def test_a_new_owner_email_reaches_the_owners_view_in_every_process(
    server, processes, dataset
) -> None:
    path = f"/{dataset}"
    owner = processes[0].auth("alice")
    _warm(processes, path, owner)
    before = {p.http.get(path, headers=owner).headers["etag"] for p in processes}
    assert len(before) == 1
    engine = _database(server)
    with engine.begin() as connection:
        old = connection.execute(sa.text("SELECT email FROM users WHERE username = 'alice'"))
        email = old.scalar_one()
        connection.execute(
            sa.text("UPDATE users SET email = :new WHERE username = 'alice'"),
            {"new": "alice-renamed@example.org"},
        )
    try:
        for process in processes:
            answer = process.http.get(path, headers=owner)
            assert answer.status_code == 200
            assert answer.headers["etag"] not in before
            public = process.http.get(path)
            assert "alice-renamed@example.org" not in public.text  # never the owner's view
    finally:
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE users SET email = :old WHERE username = 'alice'"), {"old": email}
            )
        engine.dispose()
