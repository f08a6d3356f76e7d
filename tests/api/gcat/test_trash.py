"""`/gcat/trash` over HTTP: own trash, own_only=false for Admins, restore, emptying."""

from __future__ import annotations


def trashed(gcat, label: str) -> str:
    name = gcat.name(f"trash-{label}")
    item = {"name": name, "license_id": "cc-by", "owner_org": gcat.org}
    made = gcat.call("POST", "/items", label, json=item)
    assert made.status_code == 201, made.text
    assert gcat.call("DELETE", f"/items/{name}", label).status_code == 204
    return name


def test_trash_restore_and_empty(gcat) -> None:
    editors = trashed(gcat, "editor")
    admins = trashed(gcat, "admin")
    everything = {"limit": -1}
    assert editors in gcat.call("GET", "/trash", "editor", params=everything).json()
    assert admins not in gcat.call("GET", "/trash", "editor", params=everything).json()
    ignored = gcat.call("GET", "/trash", "editor", params={**everything, "own_only": "false"})
    assert admins not in ignored.json()  # an Editor may not delete it: not in her trash
    all_of_it = gcat.call("GET", "/trash", "admin", params={**everything, "own_only": "false"})
    assert {editors, admins} <= set(all_of_it.json())
    assert editors not in gcat.call("GET", "/trash", "admin", params=everything).json()
    assert editors not in gcat.call("GET", "/items", "editor", params={"q": editors}).json()

    restored = gcat.call("POST", f"/items/{editors}?restore=true", "editor")
    assert restored.status_code == 200, restored.text
    assert restored.json()["state"] == "active"
    assert gcat.call("GET", f"/items/{editors}", "member").status_code == 200
    assert gcat.call("POST", f"/items/{editors}?restore=true", "editor").status_code == 409
    assert gcat.call("POST", f"/items/{admins}?restore=true", "member").status_code == 404

    assert gcat.call("DELETE", "/trash", "admin").status_code == 204  # her own
    assert gcat.call("GET", f"/items/{admins}", "admin").status_code == 404
    again = gcat.call(
        "POST",
        "/items",
        "admin",
        json={"name": admins, "license_id": "cc-by", "owner_org": gcat.org},
    )
    assert again.status_code == 201  # purged: the name is free
    gcat.call("DELETE", f"/items/{editors}", "editor")
    assert gcat.call("PURGE", "/trash", "editor").status_code == 204
    assert gcat.call("GET", "/trash", "editor", params={"count": "true"}).json() == {"count": 0}


def test_bulk_delete_and_purge_of_items(gcat) -> None:
    """On an organization of its own, so the bulk calls touch nobody else's items."""
    from fairdepot.core.policy import Membership, Role
    from fairdepot.services import accounts, organizations

    org = gcat.name("bulk")
    organizations.add_organization(gcat.runtime, org)
    headers = {}
    for role in ("editor", "admin"):
        username = f"gb-{role}-{gcat.tag}"
        accounts.add_user(gcat.runtime, username, f"{username}@example.org", "pw", [])
        organizations.set_memberships(gcat.runtime, username, [Membership(org, Role(role))])
        headers[role] = {"gcube-token": accounts.create_api_token(gcat.runtime, username)}
    made = {}
    for role in ("editor", "admin"):
        made[role] = gcat.name(f"bulk-{role}")
        item = {"name": made[role], "license_id": "cc-by"}
        assert gcat.call("POST", "/items", headers=headers[role], json=item).status_code == 201
    assert gcat.call("DELETE", "/items", headers=headers["editor"]).status_code == 204
    listed = gcat.call("GET", "/trash", headers=headers["editor"]).json()
    assert listed == [made["editor"]]
    admins = gcat.call("GET", f"/items/{made['admin']}", headers=headers["admin"])
    assert admins.json()["state"] == "active"
    purge_all = gcat.call("DELETE", "/items?purge=true&own_only=false", headers=headers["admin"])
    assert purge_all.status_code == 204
    assert gcat.call("GET", f"/items/{made['admin']}", headers=headers["admin"]).status_code == 404
    # the Editor's item was in the trash, not active: the bulk purge of active items left it
    assert gcat.call("GET", "/trash", headers=headers["editor"]).json() == [made["editor"]]
    assert gcat.call("PURGE", "/items", None).status_code == 401
