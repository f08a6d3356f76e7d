"""`/gcat/users` over HTTP: Admins and above manage accounts; DELETE deactivates."""

from __future__ import annotations

import pytest

from fairdepot.core.policy import Membership, Role
from fairdepot.services import organizations
from tests.support.gcat import OTHERS, ROLES, WRITERS


@pytest.mark.parametrize("label", [*ROLES, *OTHERS, None])
def test_only_admins_and_above_list_and_create_users(gcat, label) -> None:
    listing = gcat.call("GET", "/users?limit=-1", label)
    expected = 200 if label in WRITERS else 401 if label is None else 403
    assert listing.status_code == expected, listing.text
    if expected == 200:
        assert set(gcat.usernames.values()) <= set(listing.json())
    name = gcat.name(f"new-by-{label}")
    body = {"name": name, "email": f"{name}@example.org", "password": "abcd"}
    created = gcat.call("POST", "/users", label, json=body)
    assert created.status_code == (201 if expected == 200 else expected), created.text
    if created.status_code == 201:
        assert created.headers["location"] == f"{gcat.url}/users/{name}"
        assert created.json()["email"] == f"{name}@example.org"


def test_the_user_shape_and_who_sees_the_email(gcat) -> None:
    name = gcat.usernames["editor"]
    own = gcat.call("GET", f"/users/{name}", "editor").json()
    assert set(own) == {
        "id", "name", "fullname", "display_name", "email", "about", "created", "state", "sysadmin",
    }  # fmt: skip
    assert (own["name"], own["state"], own["sysadmin"]) == (name, "active", False)
    assert gcat.call("GET", f"/users/{name}", "admin").json()["email"] == own["email"]
    assert gcat.call("GET", f"/users/{name}", "member").status_code == 403
    admin_seen = gcat.call("GET", f"/users/{gcat.usernames['sysadmin']}", "manager").json()
    assert admin_seen["sysadmin"] is True
    assert "email" not in admin_seen


def test_put_updates_and_delete_deactivates_the_account(gcat) -> None:
    name = gcat.name("leaver")
    body = {"name": name, "email": f"{name}@example.org", "password": "abcd"}
    assert gcat.call("POST", "/users", "admin", json=body).status_code == 201
    # an Admin changes only accounts whose roles are in organizations they administer
    takeover = {"name": name, "email": "attacker@example.org", "password": "owned"}
    assert gcat.call("PUT", f"/users/{name}", "admin", json=takeover).status_code == 403
    organizations.set_memberships(gcat.runtime, name, [Membership(gcat.org, Role.EDITOR)])
    updated = gcat.call(
        "PUT", f"/users/{name}", "admin", json={"name": name, "fullname": "Lee Ver", "about": "hi"}
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["display_name"], updated.json()["about"]) == ("Lee Ver", "hi")
    assert gcat.call("PUT", f"/users/{name}", "admin", json={"name": "else"}).status_code == 400
    token = gcat.cli("user", "token", name).stdout.strip()
    assert gcat.http.get(f"/users/{name}", headers={"gcube-token": token}).status_code == 200
    assert gcat.call("DELETE", f"/users/{name}", "member").status_code == 403
    assert gcat.call("DELETE", f"/users/{name}", "admin").status_code == 204
    assert gcat.http.get(f"/users/{name}", headers={"gcube-token": token}).status_code == 401
    assert gcat.call("GET", f"/users/{name}", "admin").json()["state"] == "deleted"
    assert name not in gcat.call("GET", "/users?limit=-1", "admin").json()
    assert gcat.call("POST", "/users", "admin", json=body).status_code == 409
    assert gcat.call("DELETE", f"/users/{name}", "admin").status_code == 404


def test_bad_user_bodies_are_400_and_a_taken_name_409(gcat) -> None:
    name = gcat.name("bad-user")
    for body in (
        {"name": name, "email": f"{name}@example.org", "password": "abc"},
        {"name": name, "email": "not-an-email", "password": "abcd"},
        {"name": "Not Ok", "email": f"{name}@example.org", "password": "abcd"},
        {"name": name, "email": f"{name}@example.org"},
    ):
        assert gcat.call("POST", "/users", "admin", json=body).status_code == 400, body
    taken = {"name": gcat.usernames["member"], "email": "x@example.org", "password": "abcd"}
    assert gcat.call("POST", "/users", "admin", json=taken).status_code == 409
