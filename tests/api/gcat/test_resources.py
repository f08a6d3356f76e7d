"""`/gcat/items/{ITEM}/resources[/{RID}]` over HTTP (reference §2 rows 11-16)."""

from __future__ import annotations


def test_every_resource_operation(gcat) -> None:
    item = gcat.name("res")
    made = gcat.call("POST", "/items", "editor", json={"name": item, "license_id": "cc-by"})
    item_id = made.json()["id"]
    base = f"/items/{item}/resources"
    assert gcat.call("GET", base, "member").json() == []
    created = gcat.call("POST", base, "editor", json={"url": "https://example.org/a", "name": "a"})
    assert created.status_code == 201, created.text
    resource = created.json()
    rid = resource["id"]
    assert created.headers["location"] == f"{gcat.url}{base}/{rid}"
    assert resource["package_id"] == item_id
    assert gcat.call("GET", f"{base}/{rid}", "member").json() == resource
    assert [r["id"] for r in gcat.call("GET", base, "member").json()] == [rid]
    assert [r["id"] for r in gcat.call("GET", f"/items/{item}", "member").json()["resources"]] == [
        rid
    ]

    put = gcat.call("PUT", f"{base}/{rid}", "editor", json={"url": "https://example.org/b"})
    assert put.status_code == 200, put.text
    assert put.json()["url"] == "https://example.org/b"
    patched = gcat.call("PATCH", f"{base}/{rid}", "editor", json={"description": "d"}).json()
    assert (patched["url"], patched["description"]) == ("https://example.org/b", "d")

    no_url = gcat.call("POST", base, "editor", json={"name": "x"})
    assert no_url.status_code == 400
    assert no_url.json()["message"] == "The content must contains the url property"
    wrong_item = gcat.call(
        "POST", base, "editor", json={"url": "https://x.org/", "package_id": "z"}
    )
    assert wrong_item.status_code == 400
    wrong_id = gcat.call(
        "PUT", f"{base}/{rid}", "editor", json={"id": "z", "url": "https://x.org/"}
    )
    assert wrong_id.status_code == 400
    assert gcat.call("POST", base, "member", json={"url": "https://x.org/"}).status_code == 403
    assert gcat.call("DELETE", f"{base}/{rid}", "moderator").status_code == 403

    assert gcat.call("PURGE", f"{base}/{rid}", "editor").status_code == 405
    assert gcat.call("DELETE", f"{base}/{rid}", "editor").status_code == 204
    assert gcat.call("GET", f"{base}/{rid}", "editor").status_code == 404
    assert gcat.call("DELETE", f"{base}/{rid}", "editor").status_code == 404
    assert gcat.call("GET", f"/items/{gcat.name('none')}/resources", "editor").status_code == 404
