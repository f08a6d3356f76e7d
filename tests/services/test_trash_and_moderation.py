"""Trash, restore, purge, find by any identifier, and moderation, below any face, on both
databases (SQLite in the embedded pass, PostgreSQL in the scale-out pass)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fairdepot.core.errors import (
    Conflict,
    Gone,
    IdentifierTaken,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from fairdepot.core.policy import ANONYMOUS, Actor, FacilityGroups, Membership, Role
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.records import (
    Access,
    Face,
    IdentifierScheme,
    Moderation,
    ModerationState,
    PublicationStatus,
    Record,
    RecordFile,
    RecordState,
)
from fairdepot.core.relations import extract_relations
from fairdepot.services import accounts, catalogue, organizations, records, search
from fairdepot.services.crates.ingest import identifier_problem
from fairdepot.storage.db.models import RecordRevisionRow

CRATE = "ark:99999/fd1crate"
MEMBER = "ark:99999/fd1member"
OTHER = "ark:99999/fd1other"


ORG = "beamline"


@pytest.fixture
def people(runtime) -> dict[str, Actor]:
    """alice and carol (lab-a), bob (lab-b), root (an admin) and mod, a Moderator of ORG."""
    organizations.add_organization(runtime, ORG, moderated=True)
    facility = runtime.settings.facility_groups
    made = {}
    for name, group in (("alice", "lab-a"), ("carol", "lab-a"), ("bob", "lab-b")):
        user = accounts.add_user(runtime, name, f"{name}@example.org", "pw", [group])
        made[name] = accounts.actor_for(user, facility)
    root = accounts.add_user(runtime, "root", "root@example.org", "pw", ["admin"])
    made["root"] = accounts.actor_for(root, facility)
    mod = accounts.add_user(runtime, "mod", "mod@example.org", "pw", ["mods"])
    made["mod"] = Actor(
        mod.id,
        mod.username,
        mod.email,
        frozenset({"mods"}),
        memberships=frozenset({Membership(ORG, Role.MODERATOR)}),
        facility=facility,
    )
    return made


def _record(ark: str, owner: Actor, **extra: Any) -> Record:
    document = {"@id": ark, "@type": "Dataset", "name": f"record {ark[-6:]}"}
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.GCAT,
        metadata=document,
        access=Access(
            owner_id=owner.user_id,
            owner_group="lab-a",
            metadata_public=True,
            organization=ORG,
            moderation=extra.pop("moderation", Moderation()),
        ),
        types=["Dataset"],
        name=document["name"],
        **extra,
    )


@pytest.fixture
def crate(runtime, people) -> None:
    """alice's crate (gCat name `alices-crate`) with one member holding one file."""
    alice = people["alice"]
    with runtime.writing() as store:
        root = store.insert(
            _record(CRATE, alice, identifiers={IdentifierScheme.GCAT_NAME: "alices-crate"})
        )
        member = _record(MEMBER, alice, files=[RecordFile("a.csv", 3, blob_key="crates/j/1/a")])
        store.insert(member, parent=root)


def _listed(runtime, actor: Actor) -> set[str]:
    return {r.ark for r in search.list_records(runtime, actor)}


def test_a_trashed_crate_and_its_members_leave_listings_and_search(runtime, people, crate):
    alice = people["alice"]
    assert _listed(runtime, alice) == {CRATE, MEMBER}
    assert catalogue.trash(runtime, alice, CRATE) == [CRATE, MEMBER]
    for who in ("alice", "bob", "root"):
        assert _listed(runtime, people[who]) == set()
        hits, total = search.search(runtime, people[who], "record", 10, 0)
        assert hits == []
        assert total == 0


def test_the_trash_is_seen_by_those_who_may_delete_and_is_not_found_for_others(
    runtime, people, crate
):
    catalogue.trash(runtime, people["alice"], CRATE)
    assert {r.ark for r in catalogue.list_trash(runtime, people["alice"])} == {CRATE, MEMBER}
    assert {r.ark for r in catalogue.list_trash(runtime, people["root"])} == {CRATE, MEMBER}
    for who in ("carol", "bob"):  # carol is in alice's group, which does not share editing
        assert catalogue.list_trash(runtime, people[who]) == []
    assert records.resolve(runtime, people["alice"], CRATE).state is RecordState.TRASHED
    for actor in (people["carol"], people["bob"], ANONYMOUS):
        with pytest.raises(NotFound):
            records.resolve(runtime, actor, CRATE)
        with pytest.raises(NotFound):
            records.version(runtime, actor, CRATE)
        with pytest.raises(NotFound):
            catalogue.find(runtime, actor, IdentifierScheme.GCAT_NAME, "alices-crate")
        with pytest.raises(NotFound):
            catalogue.restore(runtime, actor, CRATE)


def test_a_trashed_record_is_restored_with_the_members_trashed_with_it(runtime, people, crate):
    alice = people["alice"]
    with runtime.writing() as store:
        root = store.row_by_key("ark:99999/fd1crate")
        store.insert(_record(OTHER, alice), parent=root)
    catalogue.trash(runtime, alice, OTHER)  # trashed alone, before the crate
    catalogue.trash(runtime, alice, CRATE)
    assert catalogue.restore(runtime, alice, CRATE) == [CRATE, MEMBER]
    assert _listed(runtime, alice) == {CRATE, MEMBER}
    assert {r.ark for r in catalogue.list_trash(runtime, alice)} == {OTHER}
    member = records.resolve(runtime, alice, MEMBER)
    assert [f.blob_key for f in member.files] == ["crates/j/1/a"]  # the trash kept the bytes
    with pytest.raises(Conflict, match="not in the trash"):
        catalogue.restore(runtime, alice, CRATE)


def test_a_trashed_record_keeps_its_identifiers_taken(runtime, people, crate):
    catalogue.trash(runtime, people["alice"], CRATE)
    taker = _record(OTHER, people["bob"], identifiers={IdentifierScheme.GCAT_NAME: "alices-crate"})
    with pytest.raises(IdentifierTaken, match="alices-crate"), runtime.writing() as store:
        store.insert(taker)
    found = catalogue.find(runtime, people["alice"], IdentifierScheme.GCAT_NAME, "alices-crate")
    assert found.ark == CRATE


def test_a_trashed_record_must_be_restored_before_it_is_changed(runtime, people, crate):
    catalogue.trash(runtime, people["alice"], CRATE)
    with pytest.raises(Conflict, match="restore it first"):
        records.replace_metadata(runtime, people["alice"], CRATE, {"name": "new"})
    with pytest.raises(Conflict, match="restore it first"):
        records.set_publication(runtime, people["alice"], CRATE, PublicationStatus.PUBLISHED)


def test_purge_leaves_tombstones_and_frees_the_names(runtime, people, crate):
    alice = people["alice"]
    catalogue.trash(runtime, alice, CRATE)
    with pytest.raises(NotFound):
        catalogue.purge(runtime, people["bob"], CRATE)
    assert catalogue.purge(runtime, alice, CRATE) == [CRATE, MEMBER]
    for ark in (CRATE, MEMBER):
        with pytest.raises(Gone):
            records.resolve(runtime, alice, ark)
    assert catalogue.list_trash(runtime, alice) == []
    with pytest.raises(NotFound):
        catalogue.find(runtime, alice, IdentifierScheme.GCAT_NAME, "alices-crate")
    taker = _record(OTHER, people["bob"], identifiers={IdentifierScheme.GCAT_NAME: "alices-crate"})
    with runtime.writing() as store:
        store.insert(taker)
    assert catalogue.find(runtime, people["bob"], "name", "alices-crate").ark == OTHER


def test_find_resolves_every_scheme_and_the_ark(runtime, people):
    alice = people["alice"]
    identifiers = {
        IdentifierScheme.SCICAT_PID: "PID.prefix.a0b1/7c1f",
        IdentifierScheme.GCAT_NAME: "an-item",
        IdentifierScheme.GCAT_ID: "9b2e52d4-4c6a-4e0b-9d0b-1f8e7a1c2d3e",
        IdentifierScheme.CRATE_ID: "https://example.org/crates/1",
    }
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice, identifiers=identifiers))
    for scheme, value in identifiers.items():
        assert catalogue.find(runtime, ANONYMOUS, scheme, value).ark == OTHER
    assert catalogue.find(runtime, ANONYMOUS, "ark", OTHER).identifiers == identifiers
    with pytest.raises(NotFound, match="pid"):
        catalogue.find(runtime, ANONYMOUS, "pid", "PID.prefix.a0b1/none")


def test_the_fairscape_delete_of_a_trashed_crate_tombstones_its_trashed_members(
    runtime, people, crate
):
    catalogue.trash(runtime, people["alice"], CRATE)
    assert records.delete(runtime, people["alice"], CRATE, force=True).deleted == [CRATE, MEMBER]
    with pytest.raises(Gone):
        records.resolve(runtime, people["alice"], MEMBER)


def test_a_pending_record_is_seen_by_its_author_and_the_moderators_only(runtime, people):
    alice = people["alice"]
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice, moderation=Moderation(ModerationState.PENDING)))
    for who in ("alice", "mod", "root"):
        assert records.resolve(runtime, people[who], OTHER).ark == OTHER
        assert _listed(runtime, people[who]) == {OTHER}
    for actor in (people["carol"], people["bob"], ANONYMOUS):  # public metadata, same group
        with pytest.raises(NotFound):
            records.resolve(runtime, actor, OTHER)
        with pytest.raises(NotFound):  # the resolver's fast path (ETags) says the same
            records.version(runtime, actor, OTHER)
        assert _listed(runtime, actor) == set()
        assert search.search(runtime, actor, "record", 10, 0) == ([], 0)


def test_a_moderator_approves_with_a_message_and_the_record_is_seen_by_all(runtime, people):
    alice, mod = people["alice"], people["mod"]
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice, moderation=Moderation(ModerationState.PENDING)))
    with pytest.raises(PermissionDenied):
        catalogue.moderate(runtime, alice, OTHER, ModerationState.APPROVED)
    with pytest.raises(InvalidInput):
        catalogue.moderate(runtime, mod, OTHER, ModerationState.PENDING)
    approved = catalogue.moderate(runtime, mod, OTHER, ModerationState.APPROVED, "fine")
    decision = approved.access.moderation
    assert (decision.state, decision.message, decision.decided_by) == (
        ModerationState.APPROVED,
        "fine",
        mod.user_id,
    )
    assert decision.decided_at is not None
    assert _listed(runtime, people["bob"]) == {OTHER}


def test_a_rejected_record_stays_hidden_until_resubmitted_and_approved(runtime, people):
    alice, mod = people["alice"], people["mod"]
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice, moderation=Moderation(ModerationState.PENDING)))
    catalogue.moderate(runtime, mod, OTHER, ModerationState.REJECTED, "needs a licence")
    assert _listed(runtime, people["bob"]) == set()
    seen = records.resolve(runtime, alice, OTHER).access.moderation
    assert seen.message == "needs a licence"
    resubmitted = catalogue.submit_for_moderation(runtime, alice, OTHER)
    assert resubmitted.access.moderation.state is ModerationState.PENDING
    catalogue.moderate(runtime, mod, OTHER, ModerationState.APPROVED)
    assert _listed(runtime, people["bob"]) == {OTHER}


def test_a_record_nobody_moderates_cannot_be_moderated(runtime, people):
    with runtime.writing() as store:
        store.insert(_record(OTHER, people["alice"]))
    with pytest.raises(Conflict, match="not moderated"):
        catalogue.moderate(runtime, people["mod"], OTHER, ModerationState.APPROVED)


def test_only_a_record_of_a_moderated_organization_can_be_submitted(runtime, people):
    """Elsewhere nobody but an administrator could decide: the record would stay hidden."""
    alice = people["alice"]
    organizations.add_organization(runtime, "open-lab", moderated=False)
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice))
        unmoderated = _record(CRATE, alice)
        unmoderated.access.organization = "open-lab"
        store.insert(unmoderated)
        nowhere = _record(MEMBER, alice)
        nowhere.access.organization = None
        store.insert(nowhere)
    with pytest.raises(Conflict, match="organization 'open-lab' does not moderate its records"):
        catalogue.submit_for_moderation(runtime, alice, CRATE)
    with pytest.raises(Conflict, match="it belongs to no organization"):
        catalogue.submit_for_moderation(runtime, alice, MEMBER)
    for ark in (CRATE, MEMBER):
        assert records.resolve(runtime, people["bob"], ark).access.moderation == Moderation()
    submitted = catalogue.submit_for_moderation(runtime, alice, OTHER)  # ORG is moderated
    assert submitted.access.moderation.state is ModerationState.PENDING


def test_a_crate_upload_cannot_revise_a_trashed_record(runtime, people, crate):
    catalogue.trash(runtime, people["alice"], CRATE)
    with runtime.reading() as store:
        row = store.row_by_key("ark:99999/fd1crate")
        assert "in the trash" in (identifier_problem(row, people["alice"]) or "")
        # others are not told that it is in the trash
        assert identifier_problem(row, people["bob"]) == "this ARK is held by another owner"


def test_emptying_the_trash_purges_what_the_actor_sees_there_only(runtime, people, crate):
    alice, bob = people["alice"], people["bob"]
    with runtime.writing() as store:
        store.insert(_record(OTHER, bob))
    catalogue.trash(runtime, alice, CRATE)
    catalogue.trash(runtime, bob, OTHER)
    assert sorted(catalogue.empty_trash(runtime, alice)) == [CRATE, MEMBER]
    with pytest.raises(Gone):
        records.resolve(runtime, alice, MEMBER)
    assert [r.ark for r in catalogue.list_trash(runtime, bob)] == [OTHER]
    assert catalogue.empty_trash(runtime, alice) == []


def test_publishing_keeps_the_files_and_relations_and_a_revision(runtime, people, crate):
    alice = people["alice"]
    before = records.resolve(runtime, alice, MEMBER)
    records.set_publication(runtime, alice, CRATE, PublicationStatus.PUBLISHED)
    after = records.resolve(runtime, alice, MEMBER)
    assert after.access.publication is PublicationStatus.PUBLISHED
    assert after.revision == before.revision + 1
    assert after.files == before.files


def test_the_fairscape_delete_of_a_trashed_crate_takes_the_members_trashed_with_it(
    runtime, people, crate
):
    alice = people["alice"]
    with runtime.writing() as store:
        root = store.row_by_key("ark:99999/fd1crate")
        store.insert(_record(OTHER, alice), parent=root)
    catalogue.trash(runtime, alice, OTHER)  # trashed alone, before the crate: it stays there
    catalogue.trash(runtime, alice, CRATE)
    assert records.delete(runtime, alice, CRATE, force=False).deleted == [CRATE, MEMBER]
    assert [r.ark for r in catalogue.list_trash(runtime, alice)] == [OTHER]


# -- the deletion paths, as mutation testing found them untested (docs/testing.md) ------------


def _latest_revision_author(runtime, ark: str) -> str | None:
    """Who wrote the revision a change replaced (record_revisions keeps the author)."""
    with runtime.reading() as store:
        row = store.row_by_key(ark.lower())
        return store.session.scalar(
            sa.select(RecordRevisionRow.created_by)
            .where(RecordRevisionRow.record_pk == row.pk)
            .order_by(RecordRevisionRow.revision.desc())
            .limit(1)
        )


def test_a_purged_record_says_it_was_purged(runtime, people, crate):
    alice = people["alice"]
    catalogue.purge(runtime, alice, CRATE)
    with pytest.raises(Gone) as gone:
        records.resolve(runtime, alice, CRATE)
    assert gone.value.tombstone.reason == "purged"
    with runtime.writing() as store:
        store.insert(_record(OTHER, alice))
    catalogue.trash(runtime, alice, OTHER)
    catalogue.empty_trash(runtime, alice)
    with pytest.raises(Gone) as emptied:
        records.resolve(runtime, alice, OTHER)
    assert emptied.value.tombstone.reason == "purged"


def test_delete_groups_restore_and_purge_records_they_may_not_change(runtime, people, crate):
    """SciCat's DELETE_GROUPS: restoring and purging are asked as DELETE and PURGE, not as an
    update."""
    cleaners = FacilityGroups(delete=frozenset({"cleaners"}))
    cleaner = Actor(
        "u-cleaner", "cleaner", "c@example.org", frozenset({"cleaners"}), facility=cleaners
    )
    with pytest.raises(PermissionDenied):
        records.replace_metadata(runtime, cleaner, CRATE, {"@id": CRATE, "name": "mine now"})
    catalogue.trash(runtime, people["alice"], CRATE)
    assert catalogue.restore(runtime, cleaner, CRATE) == [CRATE, MEMBER]  # who may delete, may
    assert catalogue.purge(runtime, cleaner, CRATE) == [CRATE, MEMBER]


def test_restore_and_the_crate_edit_of_a_delete_are_recorded_as_the_actors(runtime, people, crate):
    alice = people["alice"]
    catalogue.trash(runtime, alice, CRATE)
    catalogue.restore(runtime, alice, CRATE)
    assert _latest_revision_author(runtime, CRATE) == alice.user_id
    with runtime.writing() as store:
        row = store.row_by_key(CRATE.lower())
        document = {**row.metadata_doc, "hasPart": [{"@id": MEMBER}, "not-an-object"]}
        changes = RecordChanges.of_metadata(document, extract_relations(document))
        store.update(row, changes, actor_id=None)
    records.delete(runtime, alice, MEMBER, force=True)
    stored = records.resolve(runtime, alice, CRATE)
    assert stored.metadata["hasPart"] == ["not-an-object"]  # the member's entry went, only it
    assert _latest_revision_author(runtime, CRATE) == alice.user_id


def test_a_put_keeps_the_members_place_in_its_crate_whatever_the_body_says(runtime, people, crate):
    alice = people["alice"]
    crate_name = records.resolve(runtime, alice, CRATE).metadata["name"]
    parent = {"@id": CRATE, "name": crate_name}
    records.replace_metadata(runtime, alice, MEMBER, {"@id": MEMBER, "name": "no isPartOf"})
    assert records.resolve(runtime, alice, MEMBER).metadata["isPartOf"] == [parent]
    elsewhere = {"@id": "ark:99999/fd1elsewhere"}
    records.replace_metadata(runtime, alice, MEMBER, {"@id": MEMBER, "isPartOf": elsewhere})
    assert records.resolve(runtime, alice, MEMBER).metadata["isPartOf"] == [elsewhere, parent]
    given = [{"@id": CRATE, "name": "as the client wrote it"}]
    records.replace_metadata(runtime, alice, MEMBER, {"@id": MEMBER, "isPartOf": given})
    assert records.resolve(runtime, alice, MEMBER).metadata["isPartOf"] == given


# -- what a trash listing shows, and what a moderation decision records (docs/testing.md) -----


def test_trashing_is_recorded_as_the_actors_revision_and_a_second_trash_changes_nothing(
    runtime, people, crate
):
    root = people["root"]  # an admin trashing alice's crate: the revisions name root, not alice
    assert catalogue.trash(runtime, root, CRATE) == [CRATE, MEMBER]
    for ark in (CRATE, MEMBER):
        assert _latest_revision_author(runtime, ark) == root.user_id
    trashed = _revision_and_trashed_at(runtime, CRATE)
    assert catalogue.trash(runtime, people["alice"], CRATE) == []
    assert _revision_and_trashed_at(runtime, CRATE) == trashed  # its time in the trash is kept


def _revision_and_trashed_at(runtime, ark: str) -> tuple[int, object]:
    with runtime.reading() as store:
        row = store.row_by_key(ark.lower())
        return row.revision, row.trashed_at


def test_the_trash_is_listed_page_by_page(runtime, people, crate):
    alice = people["alice"]
    catalogue.trash(runtime, alice, CRATE)
    everything = [r.ark for r in catalogue.list_trash(runtime, alice)]
    first = [r.ark for r in catalogue.list_trash(runtime, alice, limit=1)]
    second = [r.ark for r in catalogue.list_trash(runtime, alice, limit=1, offset=1)]
    assert sorted(everything) == [CRATE, MEMBER]
    assert first + second == everything
    assert catalogue.list_trash(runtime, alice, offset=2) == []


def test_the_trash_is_listed_a_hundred_at_a_time_unless_asked(runtime, people):
    alice = people["alice"]
    arks = [f"ark:99999/fd1t{n:04d}" for n in range(101)]
    with runtime.writing() as store:
        for row in store.insert_many([_record(ark, alice) for ark in arks]):
            changes = RecordChanges(lifecycle=RecordState.TRASHED)
            store.update(row, changes, actor_id=alice.user_id)
    assert len(catalogue.list_trash(runtime, alice)) == 100
    assert len(catalogue.list_trash(runtime, alice, offset=100)) == 1
    assert len(catalogue.list_trash(runtime, alice, limit=101)) == 101


def _pending(runtime, owner: Actor) -> None:
    with runtime.writing() as store:
        store.insert(_record(OTHER, owner, moderation=Moderation(ModerationState.PENDING)))


def test_a_moderation_decision_records_who_took_it_and_when(runtime, people):
    alice, mod = people["alice"], people["mod"]
    _pending(runtime, alice)
    before = datetime.now(UTC)
    catalogue.moderate(runtime, mod, OTHER, ModerationState.REJECTED, "needs a licence")
    after = datetime.now(UTC)
    seen = records.resolve(runtime, alice, OTHER).access.moderation
    assert (seen.state, seen.message, seen.decided_by) == (
        ModerationState.REJECTED,
        "needs a licence",
        mod.user_id,
    )
    assert seen.decided_at is not None
    assert before - timedelta(seconds=1) <= seen.decided_at <= after + timedelta(seconds=1)
    assert _latest_revision_author(runtime, OTHER) == mod.user_id
    resubmitted = catalogue.submit_for_moderation(runtime, alice, OTHER)
    assert resubmitted.access.moderation.state is ModerationState.PENDING
    assert _latest_revision_author(runtime, OTHER) == alice.user_id
    root = people["root"]  # an administrator may decide too, and is recorded as the one who did
    approved = catalogue.moderate(runtime, root, OTHER, ModerationState.APPROVED)
    assert approved.access.moderation.decided_by == root.user_id
    assert approved.access.moderation.message is None
    assert _latest_revision_author(runtime, OTHER) == root.user_id


def test_who_may_not_moderate_is_told_why_or_not_told_it_exists(runtime, people):
    alice = people["alice"]
    _pending(runtime, alice)
    with pytest.raises(PermissionDenied, match=r"you may not moderate ark:99999/fd1other"):
        catalogue.moderate(runtime, alice, OTHER, ModerationState.APPROVED)  # its own author
    for who in ("carol", "bob"):  # awaiting moderation, they cannot even read it
        with pytest.raises(NotFound):
            catalogue.moderate(runtime, people[who], OTHER, ModerationState.APPROVED)
        with pytest.raises(NotFound):
            catalogue.submit_for_moderation(runtime, people[who], OTHER)
    with pytest.raises(InvalidInput) as refused:
        catalogue.moderate(runtime, people["mod"], OTHER, ModerationState.NONE)
    assert refused.value.message == "a moderation decision is approved or rejected, not none"
    assert records.resolve(runtime, alice, OTHER).access.moderation == Moderation(
        ModerationState.PENDING
    )


def test_a_trashed_record_is_restored_before_it_is_moderated_or_submitted(runtime, people):
    alice = people["alice"]
    _pending(runtime, alice)
    catalogue.trash(runtime, alice, OTHER)
    with pytest.raises(Conflict, match="ark:99999/fd1other is in the trash; restore it first"):
        catalogue.moderate(runtime, people["root"], OTHER, ModerationState.APPROVED)
    with pytest.raises(Conflict, match="restore it first"):
        catalogue.submit_for_moderation(runtime, alice, OTHER)
    with pytest.raises(NotFound):  # a moderator does not see the trash
        catalogue.moderate(runtime, people["mod"], OTHER, ModerationState.APPROVED)
    kept = records.resolve(runtime, alice, OTHER)
    assert kept.state is RecordState.TRASHED
    assert kept.access.moderation == Moderation(ModerationState.PENDING)


def test_delete_groups_trash_records_they_may_not_change(runtime, people, crate):
    """SciCat's DELETE_GROUPS move a record to the trash as a DELETE, not as an update."""
    cleaners = FacilityGroups(delete=frozenset({"cleaners"}))
    cleaner = Actor(
        "u-cleaner", "cleaner", "c@example.org", frozenset({"cleaners"}), facility=cleaners
    )
    assert catalogue.trash(runtime, cleaner, CRATE) == [CRATE, MEMBER]
    assert {r.ark for r in catalogue.list_trash(runtime, people["alice"])} == {CRATE, MEMBER}
