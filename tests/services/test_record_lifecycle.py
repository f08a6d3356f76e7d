"""Resolve, replace, publish and delete, below any face, on both databases.

The HTTP tests prove the same through the FAIRSCAPE face; these run in-process so that mutation
testing (docs/testing.md) can see services/records.py fail when one of its rules is broken.
"""

from __future__ import annotations

from typing import Any

import pytest

from fairdepot.core import ark as arks
from fairdepot.core.errors import (
    AuthenticationRequired,
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from fairdepot.core.policy import ANONYMOUS
from fairdepot.core.records import Access, Face, PublicationStatus, Record
from fairdepot.core.relations import extract_relations
from fairdepot.services import accounts, records, search

CRATE = "ark:99999/fd1crate"
MEMBER = "ark:99999/fd1member"
OTHER = "ark:99999/fd1other"


@pytest.fixture
def people(runtime):
    made = {}
    for name, group in (
        ("alice", "lab-a"),
        ("carol", "lab-a"),
        ("bob", "lab-b"),
        ("root", "admin"),
    ):
        user = accounts.add_user(runtime, name, f"{name}@example.org", "pw", [group])
        made[name] = (user, accounts.actor_for(user, runtime.settings.facility_groups))
    return made


def _record(ark: str, owner_id: str, *, public: bool = True, **metadata: Any) -> Record:
    document = {"@id": ark, "@context": {"@vocab": "https://schema.org/"}, "@type": "Dataset"}
    document.update({"name": f"record {ark[-6:]}", **metadata})
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata=document,
        access=Access(owner_id=owner_id, owner_group="lab-a", metadata_public=public),
        types=["Dataset"],
        name=document["name"],
        relations=extract_relations(document),
    )


@pytest.fixture
def crate(runtime, people):
    """alice's crate with one member; the crate lists it in hasPart, the member points back."""
    alice = people["alice"][0]
    with runtime.writing() as store:
        root = store.insert(_record(CRATE, alice.id, hasPart=[{"@id": MEMBER}]))
        store.insert(_record(MEMBER, alice.id, isPartOf=[{"@id": CRATE}]), parent=root)


def test_resolve_reads_what_the_actor_may_read_and_hides_the_rest(runtime, people) -> None:
    alice = people["alice"][0]
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice.id, public=False))
    for who in ("alice", "carol", "root"):
        assert records.resolve(runtime, people[who][1], OTHER).ark == OTHER
    for actor in (people["bob"][1], ANONYMOUS):
        with pytest.raises(NotFound):
            records.resolve(runtime, actor, OTHER)
    with pytest.raises(NotFound):
        records.resolve(runtime, people["alice"][1], "ark:99999/fd1nothing")
    with pytest.raises(InvalidInput):
        records.resolve(runtime, people["alice"][1], "not an ark")


def test_files_need_ownership_group_or_publication(runtime, people) -> None:
    alice = people["alice"][0]
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice.id))
    assert records.resolve_files(runtime, people["carol"][1], OTHER).ark == OTHER
    with pytest.raises(AuthenticationRequired):
        records.resolve_files(runtime, ANONYMOUS, OTHER)
    with pytest.raises(PermissionDenied):
        records.resolve_files(runtime, people["bob"][1], OTHER)
    records.set_publication(runtime, people["alice"][1], OTHER, PublicationStatus.PUBLISHED)
    assert records.resolve_files(runtime, ANONYMOUS, OTHER).ark == OTHER


def test_delete_without_force_names_visible_dependents_and_counts_hidden_ones(
    runtime, people, crate
) -> None:
    bob = people["bob"][0]
    with runtime.writing() as store:  # bob's private record uses alice's member
        bobs = _record("ark:99999/fd1bobs", bob.id, public=False, usedDataset=[{"@id": MEMBER}])
        bobs.access.owner_group = "lab-b"
        store.insert(bobs)
    with pytest.raises(Conflict) as refused:
        records.delete(runtime, people["alice"][1], MEMBER, force=False)
    named = {(d["@id"], d["relation"]) for d in refused.value.dependents}
    assert named == {(CRATE, "hasPart")}
    assert "(1 of them you cannot see)" in refused.value.message
    with pytest.raises(Conflict) as as_admin:
        records.delete(runtime, people["root"][1], MEMBER, force=False)
    assert {d["@id"] for d in as_admin.value.dependents} == {CRATE, "ark:99999/fd1bobs"}
    assert "cannot see" not in as_admin.value.message
    assert records.resolve(runtime, ANONYMOUS, MEMBER).ark == MEMBER  # nothing was deleted


def test_a_crate_counts_its_members_as_dependents_until_forced(runtime, people, crate) -> None:
    alice = people["alice"][1]
    with pytest.raises(Conflict) as refused:
        records.delete(runtime, alice, CRATE, force=False)
    assert [d["@id"] for d in refused.value.dependents] == [MEMBER]
    deleted = records.delete(runtime, alice, CRATE, force=True)
    assert sorted(deleted.deleted) == [CRATE, MEMBER]
    for ark in (CRATE, MEMBER):
        with pytest.raises(Gone) as gone:
            records.resolve(runtime, alice, ark)
        assert gone.value.tombstone.ark == ark
        assert gone.value.tombstone.reason == "deleted by its owner"


def test_a_forced_member_delete_takes_it_out_of_its_crate(runtime, people, crate) -> None:
    alice = people["alice"][1]
    before = records.resolve(runtime, alice, CRATE)
    assert records.delete(runtime, alice, MEMBER, force=True).deleted == [MEMBER]
    after = records.resolve(runtime, alice, CRATE)
    assert after.metadata["hasPart"] == []
    assert after.revision == before.revision + 1
    assert arks.normalise(MEMBER) not in {r.target for r in after.relations}


def test_a_crate_someone_else_may_not_change_keeps_its_link_to_the_tombstone(
    runtime, people
) -> None:
    alice, bob = people["alice"][0], people["bob"][0]
    with runtime.writing() as store:
        store.insert(_record(CRATE, alice.id, hasPart=[{"@id": OTHER}]))
        store.insert(_record(OTHER, bob.id))
    records.delete(runtime, people["bob"][1], OTHER, force=True)
    assert records.resolve(runtime, ANONYMOUS, CRATE).metadata["hasPart"] == [{"@id": OTHER}]


def test_only_the_owner_or_an_admin_deletes(runtime, people, crate) -> None:
    with pytest.raises(AuthenticationRequired):
        records.delete(runtime, ANONYMOUS, MEMBER, force=True)
    for who in ("bob", "carol"):
        with pytest.raises(PermissionDenied):
            records.delete(runtime, people[who][1], MEMBER, force=True)
    assert records.resolve(runtime, ANONYMOUS, MEMBER).ark == MEMBER
    assert records.delete(runtime, people["root"][1], MEMBER, force=True).deleted == [MEMBER]


def test_replace_keeps_what_the_server_manages(runtime, people, crate) -> None:
    alice = people["alice"][1]
    before = records.resolve(runtime, alice, MEMBER)
    body = {"name": "Renamed", "description": "new words", "@id": MEMBER}
    after = records.replace_metadata(runtime, alice, MEMBER, body, before.revision)
    assert (after.name, after.description) == ("Renamed", "new words")
    assert after.metadata["@context"] == before.metadata["@context"]
    assert after.metadata["@type"] == "Dataset"
    assert [p["@id"] for p in after.metadata["isPartOf"]] == [CRATE]  # membership kept
    assert after.revision == before.revision + 1
    with pytest.raises(PreconditionFailed):
        records.replace_metadata(runtime, alice, MEMBER, body, before.revision)
    with pytest.raises(InvalidInput):
        records.replace_metadata(runtime, alice, MEMBER, {**body, "@id": OTHER})
    with pytest.raises(InvalidInput):
        records.replace_metadata(runtime, alice, MEMBER, {})
    with pytest.raises(PermissionDenied):
        records.replace_metadata(runtime, people["carol"][1], MEMBER, body)


def test_publishing_a_crate_publishes_the_members_its_owner_holds(runtime, people) -> None:
    alice, bob = people["alice"][0], people["bob"][0]
    with runtime.writing() as store:
        root = store.insert(_record(CRATE, alice.id, public=False))
        store.insert(_record(MEMBER, alice.id, public=False), parent=root)
        store.insert(_record(OTHER, bob.id, public=False), parent=root)
    changed = records.set_publication(
        runtime, people["alice"][1], CRATE, PublicationStatus.PUBLISHED
    )
    assert sorted(changed) == [CRATE, MEMBER]
    assert records.resolve(runtime, ANONYMOUS, MEMBER).access.publication == "PUBLISHED"
    with pytest.raises(NotFound):  # bob's member keeps its own (private, draft) status
        records.resolve(runtime, ANONYMOUS, OTHER)
    with pytest.raises(PermissionDenied):
        records.set_publication(runtime, people["bob"][1], CRATE, PublicationStatus.DRAFT)


def test_listing_own_crates_shows_the_group_and_an_admin_everything(runtime, people) -> None:
    alice, bob = people["alice"][0], people["bob"][0]
    with runtime.writing() as store:
        store.insert(_record(CRATE, alice.id))
        bobs = _record(OTHER, bob.id)
        bobs.access.owner_group = "lab-b"
        store.insert(bobs)

    def listed(who: str, own: bool) -> list[str]:
        found = search.list_records(runtime, people[who][1], own_or_group_only=own)
        return sorted(r.ark for r in found)

    assert listed("alice", True) == [CRATE]
    assert listed("carol", True) == [CRATE]
    assert listed("root", True) == [CRATE, OTHER]
    assert listed("bob", True) == [OTHER]
    assert listed("bob", False) == [CRATE, OTHER]  # both are public


def test_a_resolved_member_knows_its_crate_owner_and_files(runtime, people, crate) -> None:
    member = records.resolve(runtime, ANONYMOUS, MEMBER)
    assert member.parent_ark == CRATE
    assert (member.owner_username, member.owner_email) == ("alice", "alice@example.org")
    assert records.resolve(runtime, ANONYMOUS, CRATE).parent_ark is None


def test_a_tombstone_says_what_was_deleted_and_when(runtime, people, crate) -> None:
    records.delete(runtime, people["alice"][1], MEMBER, force=True)
    with pytest.raises(Gone) as gone:
        records.resolve(runtime, ANONYMOUS, MEMBER)
    stone = gone.value.tombstone
    assert (stone.ark, stone.kind, stone.name) == (MEMBER, "Dataset", f"record {MEMBER[-6:]}")
    assert stone.deleted_at.endswith("Z")


def test_a_refused_delete_names_the_dependents_the_actor_may_read_even_others(
    runtime, people
) -> None:
    """bob's public analysis uses alice's dataset: alice may read it, not change it, and is
    told its name; a dependent without a name is listed with an empty one."""
    alice, bob = people["alice"][0], people["bob"][0]
    analysis = "ark:99999/fd1bobsanalysis"
    nameless = "ark:99999/fd1nameless"
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice.id))
        bobs = _record(analysis, bob.id, usedDataset=[{"@id": OTHER}], name="bob's analysis")
        bobs.access.owner_group = "lab-b"
        store.insert(bobs)
        unnamed = _record(nameless, bob.id, usedSoftware=[{"@id": OTHER}])
        del unnamed.metadata["name"]
        unnamed.name = None
        unnamed.access.owner_group = "lab-b"
        store.insert(unnamed)
    with pytest.raises(Conflict) as refused:
        records.delete(runtime, people["alice"][1], OTHER, force=False)
    assert refused.value.message == (f"{OTHER} has dependents; delete them first or use force=true")
    assert sorted(refused.value.dependents, key=lambda d: d["@id"]) == [
        {"@id": analysis, "name": "bob's analysis", "relation": "usedDataset"},
        {"@id": nameless, "name": "", "relation": "usedSoftware"},
    ]
    assert records.resolve(runtime, ANONYMOUS, OTHER).ark == OTHER  # nothing was deleted
