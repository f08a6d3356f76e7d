"""`/gcat/groups` over HTTP: groups managed through their organization."""

from __future__ import annotations

import pytest

from tests.support.gcat import OTHERS, ROLES


@pytest.mark.parametrize("label", [*ROLES, *OTHERS, None])
def test_only_admins_of_the_organization_and_administrators_create_groups(gcat, label) -> None:
    name = gcat.name(f"grp-{label}")
    answer = gcat.call("POST", "/groups", label, json={"name": name, "organization": gcat.org})
    expected = 201 if label in ("admin", "manager", "sysadmin") else 401 if label is None else 403
    assert answer.status_code == expected, answer.text
    if expected == 201:
        assert answer.headers["location"] == f"{gcat.url}/groups/{name}"
        group = answer.json()
        assert (group["type"], group["is_organization"], group["organization"]) == (
            "group",
            False,
            gcat.org,
        )
        assert group["package_count"] == 0
        assert gcat.call("GET", f"/groups/{name}", "member").json() == group


def test_an_admins_group_defaults_to_her_organization_and_she_changes_it(gcat) -> None:
    name = gcat.name("default-grp")
    made = gcat.call("POST", "/groups", "admin", json={"name": name, "title": "Rivers"})
    assert made.status_code == 201, made.text
    assert made.json()["organization"] == gcat.org
    path = f"/groups/{name}"
    for label in ("member", "editor", "moderator", "outsider"):
        assert gcat.call("PATCH", path, label, json={"title": "x"}).status_code == 403
        assert gcat.call("DELETE", path, label).status_code == 403
    patched = gcat.call("PATCH", path, "manager", json={"description": "d"})
    assert (patched.json()["title"], patched.json()["description"]) == ("Rivers", "d")
    assert (
        gcat.call("PUT", path, "admin", json={"name": "renamed", "title": "x"}).status_code == 400
    )
    replaced = gcat.call("PUT", path, "admin", json={"name": name, "title": "Lakes"})
    assert (replaced.json()["title"], replaced.json()["description"]) == ("Lakes", "")
    assert replaced.json()["organization"] == gcat.org  # kept: the PUT named none


def test_group_delete_is_soft_and_purge_frees_the_name(gcat) -> None:
    name = gcat.name("gone-grp")
    path = f"/groups/{name}"
    assert gcat.call("POST", "/groups", "admin", json={"name": name}).status_code == 201
    assert gcat.call("DELETE", path, "admin").status_code == 204
    assert name not in gcat.call("GET", "/groups?limit=-1", "admin").json()
    assert gcat.call("GET", path, "admin").json()["state"] == "deleted"
    assert gcat.call("POST", "/groups", "admin", json={"name": name}).status_code == 409
    assert gcat.call("DELETE", f"{path}?purge=true", "admin").status_code == 204
    assert gcat.call("GET", path, "admin").status_code == 404
    assert gcat.call("POST", "/groups", "admin", json={"name": name}).status_code == 201


def test_group_names_and_organizations_are_checked(gcat) -> None:
    assert gcat.call("POST", "/groups", "admin", json={"name": "Bad Name"}).status_code == 400
    unknown = gcat.call(
        "POST", "/groups", "sysadmin", json={"name": gcat.name("g"), "organization": "nowhere-x"}
    )
    assert unknown.status_code == 400
    assert "nowhere-x" in unknown.json()["message"]
