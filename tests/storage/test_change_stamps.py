"""records.change_stamp moves with every change that decides access, on both databases.

The resolver's access cache trusts an entry only while the probe reads the same stamp
(docs/performance.md §Resolver), so each write path that can change who reads a record, or
what the owner's view shows, must move it: any UPDATE of the row, any change of its access
groups, a change of its owner's e-mail. Done by triggers (migration 0010), proven here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fairdepot.storage.db.change_stamps import ChangeStampProbe
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import RecordRow, UserRow
from fairdepot.storage.db.records import RecordStore
from fairdepot.storage.search import search_index_for

ONE, OTHER = "ark:99999/fd1one", "ark:99999/fd1other"


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    upgrade(empty_engine)
    with Session(empty_engine) as session, session.begin():
        session.add(UserRow(id="u1", username="alice", email="alice@example.org"))
        session.flush()
        for key in (ONE, OTHER):
            session.add(
                RecordRow(
                    ark=key,
                    ark_key=key,
                    kind="Dataset",
                    face="fairscape",
                    metadata_doc={"@id": key},
                    owner_id="u1",
                    metadata_public=True,
                )
            )
    return empty_engine


@pytest.fixture
def probe(engine: Engine) -> Iterator[ChangeStampProbe]:
    found = ChangeStampProbe(engine)
    yield found
    found.close()


def _write(engine: Engine, statement: str, **values: object) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(statement), values)


def _pk(engine: Engine, key: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT pk FROM records WHERE ark_key = :k"), {"k": key}
            ).scalar_one()
        )


CHANGES = {
    "made private": ("UPDATE records SET metadata_public = :no WHERE ark_key = :k", {"no": False}),
    "trashed": ("UPDATE records SET state = 'trashed' WHERE ark_key = :k", {}),
    "published": ("UPDATE records SET publication_status = 'PUBLISHED' WHERE ark_key = :k", {}),
    "a group added": (
        "INSERT INTO record_access_groups (record_pk, group_name)"
        " SELECT pk, 'lab-b' FROM records WHERE ark_key = :k",
        {},
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_of_the_record_moves_its_stamp_and_no_other(engine, probe, change) -> None:
    before, other = probe.stamp(ONE), probe.stamp(OTHER)
    statement, values = CHANGES[change]
    _write(engine, statement, k=ONE, **values)
    after = probe.stamp(ONE)
    assert after is not None
    assert before is not None
    assert after[0] == before[0]  # the same row
    assert after[1] > before[1]
    assert probe.stamp(OTHER) == other


def test_removing_or_renaming_an_access_group_moves_the_stamp(engine, probe) -> None:
    pk = _pk(engine, ONE)
    _write(
        engine, "INSERT INTO record_access_groups (record_pk, group_name) VALUES (:p, 'a')", p=pk
    )
    added = probe.stamp(ONE)
    _write(engine, "UPDATE record_access_groups SET group_name = 'b' WHERE record_pk = :p", p=pk)
    renamed = probe.stamp(ONE)
    _write(engine, "DELETE FROM record_access_groups WHERE record_pk = :p", p=pk)
    removed = probe.stamp(ONE)
    assert added is not None
    assert renamed is not None
    assert removed is not None
    assert added[1] < renamed[1] < removed[1]


def test_a_new_owner_email_moves_the_stamps_of_the_owners_records(engine, probe) -> None:
    before = (probe.stamp(ONE), probe.stamp(OTHER))
    _write(engine, "UPDATE users SET username = 'alice2' WHERE id = 'u1'")
    assert (probe.stamp(ONE), probe.stamp(OTHER)) == before  # the view shows no username
    _write(engine, "UPDATE users SET email = 'new@example.org' WHERE id = 'u1'")
    after = (probe.stamp(ONE), probe.stamp(OTHER))
    assert all(
        a is not None and b is not None and a[1] > b[1] for a, b in zip(after, before, strict=True)
    )


def test_the_stamp_read_with_the_access_is_the_one_the_probe_reads(engine, probe) -> None:
    _write(engine, "UPDATE records SET metadata_public = :no WHERE ark_key = :k", no=False, k=ONE)
    with Session(engine) as session:
        stored = RecordStore(session, search_index_for(engine.dialect.name)).access_by_key(ONE)
    assert stored is not None
    assert stored.stamp == probe.stamp(ONE)
    assert stored.access.metadata_public is False


def test_an_unknown_record_has_no_stamp(probe) -> None:
    assert probe.stamp("ark:99999/nothing-here") is None


def test_the_sqlite_probe_runs_on_its_own_connection_and_the_postgresql_one_in_a_thread(
    engine, probe
) -> None:
    assert probe.on_event_loop is (engine.dialect.name == "sqlite")
