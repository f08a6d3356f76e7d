"""A record loads whole in a constant number of SQL statements, and so does a page of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from fairdepot.config import Settings
from fairdepot.core.policy import ANONYMOUS
from fairdepot.core.records import Access, Face, Record, RecordFile, Relation
from fairdepot.services import accounts, records, search
from fairdepot.services.runtime import Runtime, build_runtime

LOAD_STATEMENTS = 8
"""Find the row, its access groups (the access check), then one query each for files,
access groups, relations, identifiers, owner and parent of the record(s) found."""


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
"""Not queries: counted apart from what the test is about."""


@pytest.fixture
def runtime(tmp_path) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(data_dir=tmp_path / "data"))
    yield runtime
    runtime.close()


@contextmanager
def counted(runtime: Runtime, *, with_transaction_control: bool = False) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        control = statement.lstrip().upper().startswith(TRANSACTION_CONTROL)
        if with_transaction_control or not control:
            statements.append(statement)

    event.listen(runtime.database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(runtime.database.engine, "before_cursor_execute", count)


def _record(ark: str, owner_id: str, files: int) -> Record:
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata={"@id": ark, "@type": "Dataset", "name": ark},
        access=Access(
            owner_id=owner_id, owner_group="lab", access_groups=["g1", "g2"], metadata_public=True
        ),
        name=ark,
        relations=[Relation("usedBy", "ark:99999/fd1other"), Relation("isPartOf", "ark:99999/c")],
        files=[
            RecordFile(path=f"data/{i}.csv", size=i, blob_key=f"b/{ark}/{i}") for i in range(files)
        ],
    )


@pytest.fixture
def catalogue(runtime) -> list[str]:
    """A crate with 50 members, each with files, relations, access groups and an identifier."""
    owner = accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab"])
    arks = []
    with runtime.writing() as store:
        crate = store.insert(_record("ark:99999/fd1crate", owner.id, 1))
        for index in range(50):
            ark = f"ark:99999/fd1member{index}"
            row = store.insert(_record(ark, owner.id, 1 + index % 4), parent=crate)
            store.add_identifier(row, "pid", f"pid-{index}")
            arks.append(ark)
    return arks


def test_one_record_loads_with_all_its_parts_in_a_constant_number_of_statements(
    runtime, catalogue
) -> None:
    counts = []
    for ark in (catalogue[0], catalogue[3]):  # one file and four files
        with counted(runtime) as statements:
            record = records.resolve(runtime, ANONYMOUS, ark)
        counts.append(len(statements))
        assert record.files
        assert record.access.access_groups == ["g1", "g2"]
        assert record.relations == [
            Relation("usedBy", "ark:99999/fd1other"),
            Relation("isPartOf", "ark:99999/c"),
        ]
        assert record.identifiers == {"pid": f"pid-{catalogue.index(ark)}"}
        assert record.parent_ark == "ark:99999/fd1crate"
        assert record.owner_email == "alice@example.org"
    assert counts[0] == counts[1] <= LOAD_STATEMENTS, counts


def test_a_page_of_fifty_records_costs_the_statements_of_a_page_of_one(runtime, catalogue) -> None:
    counts = {}
    for size in (1, 50):
        with counted(runtime) as statements:
            page = search.list_records(runtime, ANONYMOUS, kind="Dataset", limit=size, offset=1)
        assert len(page) == size
        assert all(r.access.access_groups == ["g1", "g2"] and r.identifiers for r in page)
        counts[size] = len(statements)
    assert counts[1] == counts[50], counts


def test_a_crate_s_members_load_in_a_constant_number_of_statements(runtime, catalogue) -> None:
    crate = records.resolve(runtime, ANONYMOUS, "ark:99999/fd1crate")
    with counted(runtime) as statements:
        members = records.members(runtime, ANONYMOUS, crate)
    assert len(members) == 50
    assert all(m.files for m in members)
    assert len(statements) <= LOAD_STATEMENTS, statements


def test_a_version_is_one_statement_over_the_access_attributes(runtime, catalogue) -> None:
    with counted(runtime, with_transaction_control=True) as statements:
        version = records.version(runtime, ANONYMOUS, catalogue[0])
    assert version.view == "metadata"
    assert version == records.version_of(
        runtime, records.resolve(runtime, ANONYMOUS, catalogue[0]), ANONYMOUS
    )
    assert len(statements) == 1, statements  # not even a BEGIN: one statement is consistent


def test_inserting_fifty_new_records_costs_the_statements_of_one(runtime) -> None:
    """A crate's members are written in batches: the statement count does not grow with them."""
    owner = accounts.add_user(runtime, "bob", "bob@example.org", "pw", ["lab"])
    counts = {}
    for size in (1, 50):
        batch = [_record(f"ark:99999/fd1batch{size}x{i}", owner.id, 2) for i in range(size)]
        with runtime.writing() as store, counted(runtime) as statements:
            store.insert_many(batch)
        counts[size] = len(statements)
    assert counts[1] == counts[50], counts
    loaded = records.resolve(runtime, ANONYMOUS, "ark:99999/fd1batch50x49")
    assert [f.path for f in loaded.files] == ["data/0.csv", "data/1.csv"]
    assert {r.predicate for r in loaded.relations} == {"usedBy", "isPartOf"}
    hits, total = search.search(runtime, ANONYMOUS, "fd1batch50x7", limit=5, offset=0)
    assert total == 1  # every new record is in the search index
    assert hits[0].record.ark == "ark:99999/fd1batch50x7"
