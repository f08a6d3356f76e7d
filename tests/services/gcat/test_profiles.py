"""gCat's profile use cases: per organization, written by its Admins, read by anyone, and the
organization a request means."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Membership, Role
from fairdepot.services import organizations as core_organizations
from fairdepot.services.gcat import profiles
from tests.core.profiles.conftest import example_bytes
from tests.services.gcat.conftest import actor_with, reloaded

EXAMPLE = example_bytes("ExampleDataset.xml")


def test_create_then_replace_then_delete(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    first = profiles.put(runtime, admin, None, "ExampleDataset", EXAMPLE)
    assert (first.created, first.profile.organization) == (True, lab)
    assert first.profile.xml == EXAMPLE.decode()
    changed = EXAMPLE.replace(b"<fieldName>DOI</fieldName>", b"<fieldName>Doi</fieldName>")
    second = profiles.put(runtime, admin, None, "ExampleDataset", changed)
    assert second.created is False
    assert second.profile.created == first.profile.created
    assert second.profile.updated >= first.profile.updated
    reader = actor_with(runtime, "mo", Role.MEMBER)
    assert profiles.read(runtime, reader, None, "ExampleDataset").xml == changed.decode()
    assert profiles.names(runtime, reader, None) == ["ExampleDataset"]
    assert profiles.count(runtime, reader, None) == 1
    assert [f.name for f in profiles.parsed(second.profile).fields][1] == "Doi"
    profiles.delete(runtime, admin, None, "ExampleDataset")
    with pytest.raises(NotFound):
        profiles.read(runtime, reader, None, "ExampleDataset")
    with pytest.raises(NotFound):
        profiles.delete(runtime, admin, None, "ExampleDataset")


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EDITOR, Role.MODERATOR])
def test_below_admin_nobody_writes_profiles(runtime, lab, role) -> None:
    profiles.put(runtime, actor_with(runtime, "ann", Role.MANAGER), None, "ExampleDataset", EXAMPLE)
    actor = actor_with(runtime, "bo", role)
    with pytest.raises(PermissionDenied):
        profiles.put(runtime, actor, None, "ExampleDataset", EXAMPLE)
    with pytest.raises(PermissionDenied):
        profiles.delete(runtime, actor, None, "ExampleDataset")
    assert profiles.names(runtime, actor, None) == ["ExampleDataset"]


def test_the_name_must_be_the_profiles_type(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    with pytest.raises(InvalidInput, match="must be its name") as refused:
        profiles.put(runtime, admin, None, "Other", EXAMPLE)
    assert refused.value.problems[0].location == "/metadataformat/@type"
    assert profiles.names(runtime, admin, None) == []


def test_profiles_belong_to_one_organization(runtime, lab) -> None:
    core_organizations.add_organization(runtime, "other")
    admin = actor_with(runtime, "ann", Role.ADMIN)
    profiles.put(runtime, admin, None, "ExampleDataset", EXAMPLE)
    other_admin = actor_with(runtime, "oz", Role.ADMIN, "other")
    assert profiles.names(runtime, other_admin, None) == []
    assert profiles.names(runtime, other_admin, lab) == ["ExampleDataset"]  # anyone reads
    with pytest.raises(PermissionDenied):
        profiles.put(runtime, other_admin, lab, "ExampleDataset", EXAMPLE)
    with pytest.raises(NotFound):
        profiles.read(runtime, other_admin, None, "ExampleDataset")


def test_which_organization_when_none_is_named(runtime, lab) -> None:
    core_organizations.add_organization(runtime, "other")
    person = actor_with(runtime, "tw", None)
    with pytest.raises(InvalidInput, match="no role in any organization"):
        profiles.names(runtime, person, None)
    core_organizations.set_memberships(
        runtime, "tw", [Membership(lab, Role.MEMBER), Membership("other", Role.ADMIN)]
    )
    person = reloaded(runtime, person)
    with pytest.raises(InvalidInput, match="several organizations"):
        profiles.names(runtime, person, None)  # Member of one, Admin of the other: say which
    assert profiles.put(runtime, person, None, "ExampleDataset", EXAMPLE).profile.organization == (
        "other"  # the one where she may write
    )
    assert profiles.names(runtime, person, "other") == ["ExampleDataset"]
    with pytest.raises(InvalidInput, match="no organization 'nowhere'"):
        profiles.names(runtime, person, "nowhere")
    with pytest.raises(InvalidInput, match="invalid name"):
        profiles.names(runtime, person, "bad\x00name")


def test_an_administrator_names_the_organization(runtime, lab) -> None:
    op = actor_with(runtime, "op", None, admin=True)
    with pytest.raises(InvalidInput, match=r"\?organization="):
        profiles.put(runtime, op, None, "ExampleDataset", EXAMPLE)
    assert profiles.put(runtime, op, lab, "ExampleDataset", EXAMPLE).created


@pytest.mark.parametrize("name", ["", "x" * 401, "a\x00b"])
def test_a_name_no_profile_can_have_is_not_found_without_a_lookup(runtime, lab, name) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    with pytest.raises(NotFound):
        profiles.read(runtime, admin, None, name)
    with pytest.raises(NotFound):
        profiles.delete(runtime, admin, None, name)
