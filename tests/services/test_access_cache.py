"""The resolver's access cache never answers with an access the database no longer holds.

Two runtimes on one database stand for two scale-out processes (or, on SQLite, the server and
an operator's command): `writer` changes a record, `reader` has its access cached and must see
the change on its next `version`, whatever the write path. `RecordStore.access_by_key` is
made to fail where the cache must answer alone, so that test cannot pass by reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
import sqlalchemy as sa

from fairdepot.core.errors import Gone, NotFound
from fairdepot.core.policy import ANONYMOUS, Actor
from fairdepot.core.records import Access, Face, PublicationStatus, Record
from fairdepot.services import accounts, catalogue, records
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.storage.db.records import RecordStore

PUBLIC = "ark:99999/fd1public"
SHARED = "ark:99999/fd1shared"


@pytest.fixture
def reader(runtime: Runtime) -> Iterator[Runtime]:
    """A second runtime on the same database: another process, with its own caches."""
    other = build_runtime(runtime.settings, migrate=False)
    yield other
    other.close()


@pytest.fixture
def people(runtime: Runtime) -> dict[str, Actor]:
    facility = runtime.settings.facility_groups
    made = {}
    for name, group in (("alice", "lab-a"), ("bob", "lab-b")):
        user = accounts.add_user(runtime, name, f"{name}@example.org", "pw", [group])
        made[name] = accounts.actor_for(user, facility)
    return made


def _record(ark: str, owner: Actor, **access: Any) -> Record:
    document = {"@id": ark, "@type": "Dataset", "name": ark[-8:]}
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata=document,
        access=Access(owner_id=owner.user_id, owner_group="lab-a", **access),
        types=["Dataset"],
        name=document["name"],
    )


@pytest.fixture
def stored(runtime: Runtime, people: dict[str, Actor]) -> None:
    """PUBLIC: readable by anyone; SHARED: private, shared with lab-b (bob)."""
    with runtime.writing() as store:
        store.insert(_record(PUBLIC, people["alice"], metadata_public=True))
        store.insert(_record(SHARED, people["alice"], access_groups=["lab-b"]))


def _warm(reader: Runtime, actor: Actor, ark: str) -> records.RecordVersion:
    first = records.version(reader, actor, ark)
    assert reader.accesses is not None
    assert reader.accesses.current(records.parse_ark(ark)) is not None
    return first


def test_an_unchanged_record_is_answered_from_the_cache(reader, stored, people) -> None:
    first = _warm(reader, ANONYMOUS, PUBLIC)
    bob = _warm(reader, people["bob"], SHARED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RecordStore, "access_by_key", lambda *_: pytest.fail("not from the cache"))
        assert records.version(reader, ANONYMOUS, PUBLIC) == first
        assert records.version(reader, people["bob"], SHARED) == bob
        with pytest.raises(NotFound):  # the cached access is asked with each actor
            records.version(reader, ANONYMOUS, SHARED)


def test_a_record_made_private_in_another_process_is_not_found(runtime, reader, stored) -> None:
    _warm(reader, ANONYMOUS, PUBLIC)
    with runtime.writing() as store:
        row = store.row_by_key(PUBLIC)
        assert row is not None
        row.metadata_public = False  # an access change without a new revision: the worst case
    with pytest.raises(NotFound):
        records.version(reader, ANONYMOUS, PUBLIC)


def test_trash_restore_and_delete_between_two_reads(runtime, reader, stored, people) -> None:
    alice = people["alice"]
    _warm(reader, ANONYMOUS, PUBLIC)
    _warm(reader, alice, PUBLIC)
    catalogue.trash(runtime, alice, PUBLIC)
    with pytest.raises(NotFound):
        records.version(reader, ANONYMOUS, PUBLIC)
    assert records.version(reader, alice, PUBLIC).ark_key == PUBLIC  # the owner sees the trash
    catalogue.restore(runtime, alice, PUBLIC)
    assert records.version(reader, ANONYMOUS, PUBLIC).ark_key == PUBLIC
    records.delete(runtime, alice, PUBLIC, force=False)
    for actor in (ANONYMOUS, alice):
        with pytest.raises(Gone):
            records.version(reader, actor, PUBLIC)


def test_a_group_taken_away_in_another_process_is_not_found(runtime, reader, stored, people):
    bob = people["bob"]
    _warm(reader, bob, SHARED)
    _sql(runtime, "DELETE FROM record_access_groups WHERE record_pk = " + _pk_of(SHARED))
    with pytest.raises(NotFound):
        records.version(reader, bob, SHARED)
    _sql(
        runtime,
        "INSERT INTO record_access_groups (record_pk, group_name) VALUES ("
        + _pk_of(SHARED)
        + ", 'lab-b')",
    )
    assert records.version(reader, bob, SHARED).ark_key == SHARED


def test_publishing_in_another_process_opens_the_record_to_all(runtime, reader, stored, people):
    with pytest.raises(NotFound):
        records.version(reader, ANONYMOUS, SHARED)
    _warm(reader, people["bob"], SHARED)
    records.set_publication(runtime, people["alice"], SHARED, PublicationStatus.PUBLISHED)
    assert records.version(reader, ANONYMOUS, SHARED).ark_key == SHARED


def test_the_owners_view_follows_a_new_email(runtime, reader, stored, people) -> None:
    alice = people["alice"]
    before = _warm(reader, alice, PUBLIC)
    assert before.view == "files:alice@example.org"
    _sql(runtime, "UPDATE users SET email = 'alice@new.example.org' WHERE username = 'alice'")
    after = records.version(reader, alice, PUBLIC)
    assert after.view == "files:alice@new.example.org"
    assert after.etag("json") != before.etag("json")
    assert records.version(reader, ANONYMOUS, PUBLIC).view == "metadata"  # never the owner's


def test_the_event_loop_path_answers_only_from_a_current_cache(runtime, reader, stored) -> None:
    on_loop = reader.accesses is not None and reader.accesses.probe.on_event_loop
    assert records.cached_version(reader, ANONYMOUS, PUBLIC) is None  # nothing cached yet
    first = anyio.run(records.current_version, reader, ANONYMOUS, PUBLIC)
    cached = records.cached_version(reader, ANONYMOUS, PUBLIC)
    assert cached == (first if on_loop else None)  # PostgreSQL: always through a thread
    _sql(runtime, "UPDATE records SET metadata_public = false WHERE ark_key = '" + PUBLIC + "'")
    assert records.cached_version(reader, ANONYMOUS, PUBLIC) is None
    with pytest.raises(NotFound):
        anyio.run(records.current_version, reader, ANONYMOUS, PUBLIC)


def _pk_of(ark_key: str) -> str:
    return f"(SELECT pk FROM records WHERE ark_key = '{ark_key}')"


def _sql(runtime: Runtime, statement: str) -> None:
    """A change written behind the services' back, as an operator or an old release might."""
    with runtime.database.engine.begin() as connection:
        connection.execute(sa.text(statement))
