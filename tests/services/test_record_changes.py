"""An update changes the parts its change set names and nothing else, on both databases.

Before change sets, an update replaced files, relations and access groups from whatever a
possibly partial Record held: "load without files, edit, update" dropped the files and queued
every blob for deletion.
"""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from fairdepot.core.errors import IdentifierTaken
from fairdepot.core.record_changes import FileChanges, MetadataChange, RecordChanges
from fairdepot.core.records import (
    Access,
    Face,
    Moderation,
    ModerationState,
    Record,
    RecordFile,
    RecordState,
    Relation,
)
from fairdepot.services import accounts, organizations
from fairdepot.storage.db.models import BlobDeletionRow
from fairdepot.storage.db.records import load_records

ARK = "ark:99999/fd1changes"
OTHER = "ark:99999/fd1otherrec"


@pytest.fixture
def owner(runtime):
    return accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab-a"])


def _record(ark: str, owner_id: str) -> Record:
    document = {"@id": ark, "@type": "Dataset", "name": "before", "isPartOf": {"@id": OTHER}}
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata=document,
        access=Access(owner_id=owner_id, owner_group="lab-a", access_groups=["lab-b"]),
        types=["Dataset"],
        name="before",
        relations=[Relation("isPartOf", "ark:99999/fd1otherrec")],
        files=[
            RecordFile("data/a.csv", 3, sha256="a" * 64, blob_key="crates/j/1/a"),
            RecordFile("data/b.csv", 4, sha256="b" * 64, blob_key="crates/j/1/b"),
        ],
    )


def _stored(runtime) -> Record:
    with runtime.reading() as store:
        return load_records(store.session, [store.row_by_key("ark:99999/fd1changes")])[0]


def _queued(store) -> set[str]:
    """The blobs this transaction queued for deletion (the outbox is emptied after commit)."""
    store.session.flush()
    return set(store.session.scalars(sa.select(BlobDeletionRow.blob_key)))


def test_a_metadata_change_of_a_record_loaded_without_files_keeps_files_relations_access(
    runtime, owner
) -> None:
    with runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    with runtime.writing() as store:
        row = store.row_by_key("ark:99999/fd1changes")
        partial = load_records(store.session, [row], with_files=False)[0]
        assert partial.files == []
        edited = {**partial.metadata, "name": "after"}
        store.update(row, RecordChanges(metadata=MetadataChange.of(edited)), actor_id=owner.id)
        assert _queued(store) == set()
    stored = _stored(runtime)
    assert stored.name == "after"
    assert stored.revision == 2
    assert [f.path for f in stored.files] == ["data/a.csv", "data/b.csv"]
    assert stored.relations == [Relation("isPartOf", "ark:99999/fd1otherrec")]
    assert stored.access.access_groups == ["lab-b"]


def test_a_lifecycle_change_touches_no_document_file_or_relation(runtime, owner) -> None:
    with runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    with runtime.writing() as store:
        row = store.row_by_key("ark:99999/fd1changes")
        store.update(row, RecordChanges(lifecycle=RecordState.TRASHED), actor_id=owner.id)
        assert _queued(store) == set()
    stored = _stored(runtime)
    assert stored.state is RecordState.TRASHED
    assert stored.name == "before"
    assert len(stored.files) == 2
    assert len(stored.relations) == 1


def test_removing_one_file_queues_only_its_blob(runtime, owner) -> None:
    with runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    with runtime.writing() as store:
        row = store.row_by_key("ark:99999/fd1changes")
        changes = RecordChanges(files=FileChanges(removed=frozenset({"data/a.csv"})))
        store.update(row, changes, actor_id=owner.id)
        assert _queued(store) == {"crates/j/1/a"}
    stored = _stored(runtime)
    assert [f.path for f in stored.files] == ["data/b.csv"]
    assert stored.relations
    assert stored.access.access_groups == ["lab-b"]


def test_adding_a_file_at_a_listed_path_replaces_it_and_frees_the_old_blob(runtime, owner) -> None:
    with runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    new = RecordFile("data/a.csv", 5, sha256="c" * 64, blob_key="crates/j/2/a")
    with runtime.writing() as store:
        row = store.row_by_key("ark:99999/fd1changes")
        store.update(row, RecordChanges(files=FileChanges(added=(new,))), actor_id=owner.id)
        assert _queued(store) == {"crates/j/1/a"}
    stored = _stored(runtime)
    assert {(f.path, f.blob_key) for f in stored.files} == {
        ("data/a.csv", "crates/j/2/a"),
        ("data/b.csv", "crates/j/1/b"),
    }


def test_replacing_a_whole_record_replaces_every_part_but_its_identifiers(runtime, owner) -> None:
    original = _record(ARK, owner.id)
    original.identifiers = {"pid": "PID.prefix/1"}
    with runtime.writing() as store:
        store.insert(original)
    upload = dataclasses.replace(
        _record(ARK, owner.id),
        relations=[],
        files=[RecordFile("data/a.csv", 3, sha256="a" * 64, blob_key="crates/j/1/a")],
    )
    with runtime.writing() as store:
        row = store.row_by_key("ark:99999/fd1changes")
        store.update(row, RecordChanges.replacing(upload, parent_ark=None), actor_id=owner.id)
        assert _queued(store) == {"crates/j/1/b"}
    stored = _stored(runtime)
    assert [f.path for f in stored.files] == ["data/a.csv"]
    assert stored.relations == []
    assert stored.identifiers == {"pid": "PID.prefix/1"}


def test_replacing_a_record_does_not_change_its_moderation(runtime, owner) -> None:
    pending = _record(ARK, owner.id)
    pending.access.moderation = Moderation(ModerationState.PENDING)
    with runtime.writing() as store:
        store.insert(pending)
    with runtime.writing() as store:
        row = store.row_by_key("ark:99999/fd1changes")
        changes = RecordChanges.replacing(_record(ARK, owner.id), parent_ark=None)
        store.update(row, changes, actor_id=owner.id)
    assert _stored(runtime).access.moderation.state is ModerationState.PENDING


def test_an_identifier_taken_by_another_record_is_named_in_the_conflict(runtime, owner) -> None:
    first = _record(ARK, owner.id)
    first.identifiers = {"name": "my-item"}
    with runtime.writing() as store:
        store.insert(first)
    second = _record(OTHER, owner.id)
    second.identifiers = {"name": "my-item"}
    with pytest.raises(IdentifierTaken) as taken, runtime.writing() as store:
        store.insert(second)
    assert (taken.value.scheme, taken.value.value) == ("name", "my-item")
    assert "name 'my-item'" in taken.value.message
    with runtime.reading() as store:  # nothing of the refused record was written
        assert store.row_by_key("ark:99999/fd1otherrec") is None
    with runtime.writing() as store:
        store.insert(_record(OTHER, owner.id))
    adding = RecordChanges(identifiers_added={"name": "my-item"})
    with runtime.writing() as store:
        other = store.row_by_key("ark:99999/fd1otherrec")
        with pytest.raises(IdentifierTaken):
            store.update(other, adding, actor_id=None)
        store.session.rollback()


def test_an_ark_taken_by_another_record_is_named_in_the_conflict(runtime, owner) -> None:
    with runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    with pytest.raises(IdentifierTaken) as taken, runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    assert (taken.value.scheme, taken.value.value) == ("ark", ARK)


def test_a_purge_is_not_an_update() -> None:
    with pytest.raises(ValueError, match="purge"):
        RecordChanges(lifecycle=RecordState.DELETED)


def test_an_access_change_moves_the_record_into_an_organization_and_out_again(
    runtime, owner
) -> None:
    """The organization is part of a record's access (found when the policy and lifecycle
    branches met: an access change wrote every access column but this one)."""
    organizations.add_organization(runtime, "beamline")
    with runtime.writing() as store:
        store.insert(_record(ARK, owner.id))
    moved = dataclasses.replace(_stored(runtime).access, organization="beamline")
    with runtime.writing() as store:
        store.update(store.row_by_key(ARK.lower()), RecordChanges(access=moved), actor_id=None)
    assert _stored(runtime).access.organization == "beamline"
    back = dataclasses.replace(moved, organization=None)
    with runtime.writing() as store:
        store.update(store.row_by_key(ARK.lower()), RecordChanges(access=back), actor_id=None)
    assert _stored(runtime).access.organization is None


def test_a_record_as_its_update_left_it_is_what_a_load_reads(runtime, owner) -> None:
    """`as_updated` answers an update without reading the record again: what it gives must
    be what a fresh load reads, for every part the change wrote or kept."""
    with runtime.writing() as store:
        store.add_identifier(store.insert(_record(ARK, owner.id)), "pid", "p-1")
    document = {"@id": ARK, "@type": "Dataset", "name": "after", "isBasedOn": {"@id": OTHER}}
    changes = RecordChanges(
        metadata=MetadataChange.of(document),
        native={"kept": "in order", "a": 1},
        relations=(Relation("isBasedOn", OTHER),),
        access=Access(owner_id=owner.id, owner_group="lab-a", access_groups=["z", "lab-c", "z"]),
        identifiers_added={"crate_id": "#c"},
        identifiers_removed=frozenset({"pid"}),
    )
    with runtime.writing() as store:
        row = store.row_by_key(ARK)
        before = store.load([row], with_files=False)[0]
        store.update(row, changes, actor_id=owner.id)
        answered = store.as_updated(row, before, changes)
    with runtime.reading() as store:  # a new session: rows read from the database, not the map
        assert answered == store.load([store.row_by_key(ARK)], with_files=False)[0]
    assert answered.revision == 2
    assert answered.access.access_groups == ["lab-c", "z"]
    assert answered.identifiers == {"crate_id": "#c"}
    with runtime.writing() as store:
        row = store.row_by_key(ARK)
        before = store.load([row], with_files=False)[0]
        removing = RecordChanges(files=FileChanges(removed=frozenset({"data/a.csv"})))
        store.update(row, removing, actor_id=owner.id)
        with pytest.raises(ValueError, match="load it again"):  # files: not known without
            store.as_updated(row, before, removing)
