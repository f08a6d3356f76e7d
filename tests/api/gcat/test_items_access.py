"""The role matrix of reference §4 for items, over HTTP ("theirs" is the Editor's item, or
the Admin's for the Editor herself): every role reads; Editors and above
create and change their own; Admins and Managers change anyone's; Members and Moderators
only read; strangers do not see a private item."""

from __future__ import annotations

import pytest

from tests.support.gcat import OTHERS, ROLES

WRITE_OWN = ("editor", "admin", "manager", "sysadmin")
WRITE_ANY = ("admin", "manager", "sysadmin")


def body(name: str, **fields) -> dict:
    return {"name": name, "license_id": "cc-by", **fields}


@pytest.mark.parametrize("label", [*ROLES, *OTHERS])
def test_who_creates_and_changes_items(gcat, label) -> None:
    theirs = gcat.name(f"theirs-{label}")
    author = "admin" if label == "editor" else "editor"
    made = gcat.call("POST", "/items", author, json=body(theirs, private=True, owner_org=gcat.org))
    assert made.status_code == 201, made.text
    path = f"/items/{theirs}"
    reads = gcat.call("GET", path, label).status_code
    assert reads == (404 if label == "outsider" else 200)  # private: its organization reads

    mine = gcat.name(f"mine-{label}")
    # owner_org named: the session's other tests may make an Admin an Admin of more
    created = gcat.call("POST", "/items", label, json=body(mine, owner_org=gcat.org))
    assert created.status_code == (201 if label in WRITE_OWN else 403), created.text
    if created.status_code == 201:
        own = f"/items/{mine}"
        assert gcat.call("PATCH", own, label, json={"notes": "x"}).status_code == 200
        assert gcat.call("DELETE", own, label).status_code == 204
        assert gcat.call("PURGE", own, label).status_code == 204

    expected = 200 if label in WRITE_ANY else 404 if label == "outsider" else 403
    assert gcat.call("PATCH", path, label, json={"notes": "y"}).status_code == expected
    assert gcat.call("PUT", path, label, json=body(theirs)).status_code == expected
    deleted = gcat.call("DELETE", path, label).status_code
    assert deleted == (204 if label in WRITE_ANY else expected)


def test_an_editor_with_no_organization_named_is_the_one_she_holds(gcat) -> None:
    other = gcat.call(
        "POST", "/items", "editor", json=body(gcat.name("elsewhere"), owner_org="not-hers")
    )
    assert other.status_code == 400
    assert "associate to the current VRE" in other.json()["message"]
    from fairdepot.services import accounts

    username = gcat.name("fresh-admin")
    accounts.add_user(gcat.runtime, username, f"{username}@example.org", "pw", [], admin=True)
    token = {"gcube-token": accounts.create_api_token(gcat.runtime, username)}
    nowhere = body(gcat.name("nowhere"))
    admin_without = gcat.call("POST", "/items", headers=token, json=nowhere)
    assert admin_without.status_code == 400  # an administrator in no organization names one
    placed = gcat.call("POST", "/items", headers=token, json={**nowhere, "owner_org": gcat.org})
    assert placed.status_code == 201
