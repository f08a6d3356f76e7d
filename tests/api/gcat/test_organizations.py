"""`/gcat/organizations` over HTTP: CKAN's shape, the role matrix, soft delete and purge."""

from __future__ import annotations

import pytest

from tests.support.gcat import OTHERS, ROLES, WRITERS

SHAPE = {
    "id", "name", "title", "display_name", "description", "image_url", "image_display_url",
    "created", "state", "type", "is_organization", "approval_status", "package_count",
    "extras", "users",
}  # fmt: skip


def test_create_answers_201_with_location_and_ckans_organization(gcat) -> None:
    name = gcat.name("created-org")
    body = {
        "name": name,
        "title": "Created",
        "description": "about it",
        "extras": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}],
        "moderated": True,
    }
    answer = gcat.call("POST", "/organizations", "admin", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.headers["location"] == f"{gcat.url}/organizations/{name}"
    created = answer.json()
    assert set(created) >= SHAPE
    assert (created["name"], created["title"], created["display_name"]) == (
        name,
        "Created",
        "Created",
    )
    assert created["extras"] == body["extras"]
    assert (created["type"], created["is_organization"], created["state"]) == (
        "organization",
        True,
        "active",
    )
    assert created["moderated"] is True
    assert {"name": gcat.usernames["admin"], "capacity": "admin"} in created["users"]
    assert gcat.call("GET", answer.headers["location"], "member").json() == created


@pytest.mark.parametrize("label", [*ROLES, *OTHERS, None])
def test_only_admins_and_above_create_organizations(gcat, label) -> None:
    name = gcat.name(f"by-{label}")
    answer = gcat.call("POST", "/organizations", label, json={"name": name})
    expected = 201 if label in WRITERS else 401 if label is None else 403
    assert answer.status_code == expected, answer.text
    exists = gcat.call("GET", f"/organizations/{name}", "sysadmin").status_code
    assert exists == (200 if expected == 201 else 404)


@pytest.mark.parametrize("label", [*ROLES, "outsider", None])
def test_only_admins_and_managers_of_it_change_an_organization(gcat, label) -> None:
    path = f"/organizations/{gcat.org}"
    patched = gcat.call("PATCH", path, label, json={"description": f"by {label}"})
    expected = 200 if label in ("admin", "manager") else 401 if label is None else 403
    assert patched.status_code == expected, patched.text
    for method in ("DELETE", "PURGE"):
        if expected != 200:
            assert gcat.call(method, path, label).status_code == expected
    state = gcat.call("GET", path, "member").json()
    assert state["state"] == "active"
    assert (state["description"] == f"by {label}") is (expected == 200)


def test_put_replaces_and_must_name_its_path_patch_merges(gcat) -> None:
    name = gcat.name("put-org")
    path = f"/organizations/{name}"
    gcat.call("POST", "/organizations", "manager", json={"name": name, "title": "T"})
    patched = gcat.call("PATCH", path, "manager", json={"description": "d"})
    assert (patched.json()["title"], patched.json()["description"]) == ("T", "d")
    mismatch = gcat.call("PUT", path, "manager", json={"name": "other-name", "title": "x"})
    assert mismatch.status_code == 400
    assert "does not match" in mismatch.json()["message"]
    replaced = gcat.call("PUT", path, "manager", json={"name": name, "title": "New"})
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["title"], replaced.json()["description"]) == ("New", "")


def test_delete_is_soft_purge_frees_the_name(gcat) -> None:
    name = gcat.name("gone-org")
    path = f"/organizations/{name}"
    assert gcat.call("POST", "/organizations", "admin", json={"name": name}).status_code == 201
    assert gcat.call("DELETE", path, "admin").status_code == 204
    assert name not in gcat.call("GET", "/organizations?limit=-1", "admin").json()
    assert gcat.call("GET", path, "admin").json()["state"] == "deleted"
    again = gcat.call("POST", "/organizations", "admin", json={"name": name})
    assert again.status_code == 409, again.text
    assert gcat.call("DELETE", path, "admin").status_code == 404  # nothing left to delete
    assert gcat.call("PURGE", path, "admin").status_code == 204
    assert gcat.call("GET", path, "admin").status_code == 404
    assert gcat.call("PURGE", path, "admin").status_code == 404
    assert gcat.call("POST", "/organizations", "admin", json={"name": name}).status_code == 201


@pytest.mark.parametrize(
    "name", ["Upper", "with space", "x", "a" * 101, "dots.not", ""], ids=lambda n: n[:8] or "empty"
)
def test_bad_names_are_400_in_gcats_words(gcat, name) -> None:
    answer = gcat.call("POST", "/organizations", "sysadmin", json={"name": name})
    assert answer.status_code == 400, answer.text
    assert answer.json()["problems"][0]["location"] == "name"


def test_a_taken_name_is_409(gcat) -> None:
    answer = gcat.call("POST", "/organizations", "sysadmin", json={"name": gcat.org})
    assert answer.status_code == 409
    assert gcat.org in answer.json()["message"]


@pytest.mark.parametrize(
    "content", [b"{not json", b"", b"[1, 2]", b'"text"', b'{"name": NaN}'], ids=str
)
def test_malformed_bodies_are_400_not_500(gcat, content) -> None:
    answer = gcat.call(
        "POST",
        "/organizations",
        "sysadmin",
        content=content,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"]


def test_the_moderated_flag_is_set_and_cleared_through_the_api(gcat) -> None:
    name = gcat.name("moderated-org")
    path = f"/organizations/{name}"
    gcat.call("POST", "/organizations", "admin", json={"name": name})
    assert gcat.call("GET", path, "admin").json()["moderated"] is False
    assert gcat.call("PATCH", path, "admin", json={"moderated": True}).json()["moderated"] is True
    kept = gcat.call("PUT", path, "admin", json={"name": name, "title": "t"})
    assert kept.json()["moderated"] is True  # a PUT that does not name it keeps it
    bad = gcat.call("PATCH", path, "admin", json={"moderated": "yes"})
    assert bad.status_code == 400
