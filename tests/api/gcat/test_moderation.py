"""Moderation over HTTP (reference §5): pending items, decisions and messages by
`POST /items/{ITEM}`, `status` listings, `system:cm_item_status` in the extras."""

from __future__ import annotations

import pytest

from fairdepot.core.policy import Membership, Role
from fairdepot.services import accounts, organizations


@pytest.fixture(scope="module")
def watched(gcat) -> dict[str, dict[str, str]]:
    """A moderated organization with an author, a moderator and a member: their headers."""
    org = gcat.name("watched")
    organizations.add_organization(gcat.runtime, org, moderated=True)
    headers = {}
    for role in ("editor", "moderator", "member"):
        username = f"gm-{role}-{gcat.tag}"
        accounts.add_user(gcat.runtime, username, f"{username}@example.org", "pw", [])
        organizations.set_memberships(gcat.runtime, username, [Membership(org, Role(role))])
        headers[role] = {"gcube-token": accounts.create_api_token(gcat.runtime, username)}
    return headers


def status(package: dict) -> str | None:
    return next(
        (e["value"] for e in package["extras"] if e["key"] == "system:cm_item_status"), None
    )


def test_moderation_workflow(gcat, watched) -> None:
    name = gcat.name("moderated")
    path = f"/items/{name}"
    made = gcat.call(
        "POST", "/items", headers=watched["editor"], json={"name": name, "license_id": "cc-by"}
    )
    assert made.status_code == 201, made.text
    assert status(made.json()) == "pending"
    assert gcat.call("GET", path, headers=watched["member"]).status_code == 404
    pending = gcat.call(
        "GET", "/items", headers=watched["moderator"], params={"status": "pending", "limit": -1}
    )
    assert name in pending.json()

    decision = {"cm_item_status": "approved", "message": "ok"}
    assert gcat.call("POST", path, headers=watched["editor"], json=decision).status_code == 403
    wrong = {"cm_item_status": "published"}
    assert gcat.call("POST", path, headers=watched["moderator"], json=wrong).status_code == 400
    approved = gcat.call("POST", path, headers=watched["moderator"], json=decision)
    assert approved.status_code == 200, approved.text
    assert status(approved.json()) == "approved"
    assert status(gcat.call("GET", path, headers=watched["member"]).json()) == "approved"

    message = gcat.call("POST", path, headers=watched["editor"], json={"message": "thanks"})
    assert message.status_code == 204
    changed = gcat.call("PATCH", path, headers=watched["editor"], json={"notes": "more"})
    assert status(changed.json()) == "pending"
    rejected = gcat.call(
        "POST", path, headers=watched["moderator"], json={"cm_item_status": "rejected"}
    )
    assert status(rejected.json()) == "rejected"
    listed = gcat.call("GET", "/items", headers=watched["moderator"], params={"status": "rejected"})
    assert name in listed.json()


def test_an_item_outside_a_moderated_organization_cannot_be_moderated(gcat) -> None:
    name = gcat.name("unmoderated")
    gcat.call("POST", "/items", "editor", json={"name": name, "license_id": "cc-by"})
    answer = gcat.call("POST", f"/items/{name}", "moderator", json={"cm_item_status": "approved"})
    assert answer.status_code == 400
    package = gcat.call("GET", f"/items/{name}", "member").json()
    assert status(package) is None
