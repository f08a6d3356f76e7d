"""Organizations and roles, from the accounts that hold them to what the roles open."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Action, Membership, Role, allows
from fairdepot.core.records import Access, Face, Record
from fairdepot.services import accounts, collections, organizations, records, search
from fairdepot.services.jobs import job_access
from fairdepot.storage.db.models import JobRow

LAB = "lab"


def _record(ark: str, owner_id: str, organization: str | None) -> Record:
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata={"@id": ark, "@type": "Dataset", "name": "Private plankton counts"},
        access=Access(owner_id=owner_id, owner_group="authors", organization=organization),
        name="Private plankton counts",
    )


def _actor(runtime, name: str, *memberships: Membership):
    accounts.add_user(runtime, name, f"{name}@example.org", "pw", [f"{name}-group"])
    organizations.set_memberships(runtime, name, list(memberships))
    token = accounts.create_api_token(runtime, name)
    # the path every request takes: the account behind a token, with its roles loaded
    return accounts.actor_for(
        accounts.user_for_token(runtime, token), runtime.settings.facility_groups
    )


def test_organizations_are_added_once_and_listed(runtime) -> None:
    organizations.add_organization(runtime, LAB, title="The lab", moderated=True)
    organizations.add_organization(runtime, "a-team")
    with pytest.raises(Conflict, match="already exists"):
        organizations.add_organization(runtime, LAB)
    with pytest.raises(InvalidInput, match="must be 2 to 100 characters"):
        organizations.add_organization(runtime, "No Spaces")
    listed = organizations.list_organizations(runtime)
    assert [(o.name, o.title, o.moderated) for o in listed] == [
        ("a-team", None, False),
        (LAB, "The lab", True),
    ]


def test_memberships_need_known_organizations_and_roles(runtime) -> None:
    organizations.add_organization(runtime, LAB)
    accounts.add_user(runtime, "ann", "ann@example.org", "pw", [])
    with pytest.raises(InvalidInput, match="no organization 'nowhere'"):
        organizations.set_memberships(runtime, "ann", [Membership("nowhere", Role.EDITOR)])
    with pytest.raises(InvalidInput, match="unknown role 'boss'"):
        organizations.parse_memberships(["boss"], [LAB])
    with pytest.raises(InvalidInput, match="one --organization for each --role"):
        organizations.parse_memberships(["editor", "member"], [LAB])
    organizations.set_memberships(
        runtime, "ann", organizations.parse_memberships(["Editor", "moderator"], [LAB, LAB])
    )
    assert organizations.members(runtime, LAB) == [("ann", Role.EDITOR), ("ann", Role.MODERATOR)]
    with pytest.raises(NotFound):
        organizations.members(runtime, "nowhere")


def test_roles_in_a_records_organization_open_it_to_read_and_to_change(runtime) -> None:
    organizations.add_organization(runtime, LAB)
    organizations.add_organization(runtime, "other")
    author = _actor(runtime, "author", Membership(LAB, Role.EDITOR))
    member = _actor(runtime, "member", Membership(LAB, Role.MEMBER))
    admin = _actor(runtime, "admin", Membership(LAB, Role.ADMIN))
    outsider = _actor(runtime, "outsider", Membership("other", Role.MANAGER))
    with runtime.writing() as store:
        store.insert(_record("ark:99999/fd1inlab", author.user_id, LAB))

    def listed(actor) -> set[str]:
        return {r.ark for r in search.list_records(runtime, actor)}

    assert listed(member) == listed(admin) == listed(author) == {"ark:99999/fd1inlab"}
    assert listed(outsider) == set()
    assert records.resolve(runtime, member, "ark:99999/fd1inlab").access.organization == LAB
    with pytest.raises(NotFound):
        records.resolve(runtime, outsider, "ark:99999/fd1inlab")
    new = {"@type": "Dataset", "name": "Plankton counts, checked"}
    with pytest.raises(PermissionDenied):
        records.replace_metadata(runtime, member, "ark:99999/fd1inlab", new)
    changed = records.replace_metadata(runtime, admin, "ark:99999/fd1inlab", new)
    assert changed.name == "Plankton counts, checked"
    # "my records" stays the author's (and the author's group's), not the organization's
    mine = search.list_records(runtime, admin, own_or_group_only=True)
    assert [r.ark for r in mine] == []


def test_a_job_is_followed_by_whoever_may_read_its_records_files(runtime) -> None:
    organizations.add_organization(runtime, LAB)
    admin = _actor(runtime, "admin", Membership(LAB, Role.ADMIN))
    stranger = _actor(runtime, "stranger")

    job = JobRow(owner_id="u-someone", payload={"ownerGroup": "authors", "organization": LAB})
    assert allows(admin, Action.READ_FILES, job_access(job))
    assert not allows(stranger, Action.READ_FILES, job_access(job))


def test_collections_are_managed_by_their_organizations_admins_and_list_readable_records(
    runtime,
) -> None:
    organizations.add_organization(runtime, LAB)
    admin = _actor(runtime, "admin", Membership(LAB, Role.ADMIN))
    editor = _actor(runtime, "editor", Membership(LAB, Role.EDITOR))
    outsider = _actor(runtime, "outsider")
    with runtime.writing() as store:
        store.insert(_record("ark:99999/fd1inlab", editor.user_id, LAB))
        store.insert(_record("ark:99999/fd1private", outsider.user_id, None))
    with pytest.raises(PermissionDenied):
        collections.add_collection(runtime, editor, "plankton", organization=LAB)
    with pytest.raises(PermissionDenied, match="the facility"):
        collections.add_collection(runtime, admin, "plankton")
    collections.add_collection(runtime, admin, "plankton", title="Plankton", organization=LAB)
    with pytest.raises(Conflict):
        collections.add_collection(runtime, admin, "plankton", organization=LAB)
    collections.include(runtime, admin, "plankton", "ark:99999/fd1inlab")
    collections.include(runtime, admin, "plankton", "ark:99999/fd1inlab")  # twice: once
    with pytest.raises(NotFound):  # the admin may not even read the outsider's private record
        collections.include(runtime, admin, "plankton", "ark:99999/fd1private")
    with pytest.raises(PermissionDenied):
        collections.include(runtime, editor, "plankton", "ark:99999/fd1inlab")
    assert collections.record_arks(runtime, editor, "plankton") == ["ark:99999/fd1inlab"]
    assert collections.record_arks(runtime, outsider, "plankton") == []
    with pytest.raises(NotFound):
        collections.record_arks(runtime, outsider, "nothing-here")
