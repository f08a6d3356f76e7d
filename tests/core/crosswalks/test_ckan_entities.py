"""CKAN organizations, groups and users read from gCat bodies and shown in CKAN's shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fairdepot.core.accounts import User
from fairdepot.core.crosswalks.ckan_entities import (
    NAME_RULE,
    account_fields,
    check_path_name,
    collection_document,
    collection_from,
    merged,
    organization_document,
    organization_from,
    user_document,
)
from fairdepot.core.errors import InvalidInput
from fairdepot.core.organizations import Collection, Extra, GroupState, Organization
from fairdepot.core.policy import Role

CREATED = datetime(2026, 3, 22, 11, 48, 42, 612063, tzinfo=UTC)


def test_an_organization_body_gives_every_field_and_ignores_what_ckan_computes() -> None:
    body = {
        "name": "lab",
        "title": "The lab",
        "description": "what we do",
        "image_url": "http://img/x.png",
        "extras": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}],
        "moderated": True,
        "package_count": 99,
        "display_name": "ignored",
        "id": "not-ours",
    }
    organization = organization_from(body)
    assert organization == Organization(
        "lab",
        "The lab",
        moderated=True,
        description="what we do",
        image_url="http://img/x.png",
        extras=(Extra("k", "1"), Extra("k", "2")),
    )


def test_a_put_keeps_the_stored_id_creation_and_moderated_flag_it_does_not_name() -> None:
    stored = Organization("lab", "Old", moderated=True, id="u-1", created=CREATED, description="d")
    replaced = organization_from({"name": "lab", "title": "New"}, stored)
    assert (replaced.id, replaced.created, replaced.moderated) == ("u-1", CREATED, True)
    assert (replaced.title, replaced.description) == ("New", "")  # a PUT replaces the rest


def test_the_organization_document_has_ckans_fields_and_one_capacity_per_user() -> None:
    organization = Organization("lab", "The lab", id="u-1", created=CREATED)
    members = [("ann", Role.MEMBER), ("ann", Role.MANAGER), ("bo", Role.MODERATOR)]
    document = organization_document(organization, members=members, records=3)
    assert document["users"] == [
        {"name": "ann", "capacity": "admin"},
        {"name": "bo", "capacity": "member"},
    ]
    assert document["created"] == "2026-03-22T11:48:42.612063"
    assert {k: document[k] for k in ("id", "name", "display_name", "type", "package_count")} == {
        "id": "u-1",
        "name": "lab",
        "display_name": "The lab",
        "type": "organization",
        "package_count": 3,
    }
    assert document["is_organization"] is True
    assert document["state"] == "active"


def test_a_group_without_a_title_is_displayed_by_its_name_and_names_its_organization() -> None:
    group = collection_from({"name": "grp"}, organization="lab")
    document = collection_document(group)
    assert (document["display_name"], document["organization"], document["type"]) == (
        "grp",
        "lab",
        "group",
    )
    assert document["is_organization"] is False
    # a PUT that names no organization keeps the stored one
    stored = Collection("grp", organization="lab", id="g-1")
    assert collection_from({"name": "grp", "title": "T"}, stored).organization == "lab"


def test_a_patch_replaces_only_the_keys_it_sends() -> None:
    stored = organization_document(Organization("lab", "T", description="d", id="u-1"))
    patched = organization_from(merged(stored, {"title": "New"}), Organization("lab", id="u-1"))
    assert (patched.title, patched.description) == ("New", "d")


def test_deleted_extras_are_dropped_and_states_checked() -> None:
    body = {"name": "lab", "extras": [{"key": "a", "value": "1", "deleted": True}]}
    assert organization_from(body).extras == ()
    assert organization_from({"name": "lab", "state": "deleted"}).state is GroupState.DELETED


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"name": "x"}, "name"),
        ({"name": "a" * 101}, "name"),
        ({}, "name"),
        ({"name": "ok", "title": 5}, "title"),
        ({"name": "ok", "state": "gone"}, "state"),
        ({"name": "ok", "extras": {"a": 1}}, "extras"),
        ({"name": "ok", "extras": [{"key": "a", "value": 1}]}, "extras[0].value"),
        ({"name": "ok", "moderated": "yes"}, "moderated"),
    ],
    ids=["space", "short", "long", "missing", "title", "state", "extras", "value", "moderated"],
)
def test_bad_bodies_are_refused_saying_where(body: dict, where: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        organization_from(body)
    assert [p.location for p in refused.value.problems] == [where]


def test_a_bad_name_is_refused_in_gcats_words() -> None:
    with pytest.raises(InvalidInput) as refused:
        organization_from({"name": "My Org"})
    assert refused.value.message == NAME_RULE


def test_a_put_names_the_instance_of_its_path() -> None:
    check_path_name("lab", {"name": "lab"}, required=True)
    check_path_name("lab", {}, required=False)
    for body, required in [({}, True), ({"name": "other"}, False)]:
        with pytest.raises(InvalidInput) as refused:
            check_path_name("lab", body, required=required)
        assert refused.value.message.startswith("The name (lab) does not match")


def test_a_new_user_needs_a_name_an_email_and_a_password_of_four_characters() -> None:
    fields = account_fields({"name": "ann", "email": "a@x.org", "password": "abcd"})
    assert (fields.name, fields.email, fields.password, fields.full_name) == (
        "ann",
        "a@x.org",
        "abcd",
        "",
    )
    for body, where in [
        ({"name": "ann", "email": "a@x.org"}, "password"),
        ({"name": "ann", "email": "a@x.org", "password": "abc"}, "password"),
        ({"name": "ann", "password": "abcd"}, "email"),
        ({"name": "ann", "email": "nobody", "password": "abcd"}, "email"),
        ({"name": "Ann", "email": "a@x.org", "password": "abcd"}, "name"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            account_fields(body)
        assert [p.location for p in refused.value.problems] == [where], body


def test_a_user_update_keeps_the_email_and_the_password_it_does_not_send() -> None:
    stored = User("u-1", "ann", "a@x.org")
    fields = account_fields({"name": "ann", "fullname": "Ann"}, path_name="ann", stored=stored)
    assert (fields.email, fields.password, fields.full_name) == ("a@x.org", None, "Ann")


def test_the_user_document_shows_the_email_only_when_asked() -> None:
    user = User("u-1", "ann", "a@x.org", full_name="Ann A", active=False, created=CREATED)
    shown = user_document(user, show_email=True, sysadmin=False)
    assert shown == {
        "id": "u-1",
        "name": "ann",
        "fullname": "Ann A",
        "display_name": "Ann A",
        "about": "",
        "created": "2026-03-22T11:48:42.612063",
        "state": "deleted",
        "sysadmin": False,
        "email": "a@x.org",
    }
    assert "email" not in user_document(user, show_email=False, sysadmin=True)
