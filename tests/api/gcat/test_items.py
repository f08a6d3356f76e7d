"""`/gcat/items` over HTTP: create, read, PUT, PATCH, DELETE, PURGE, HEAD and the listing of
one catalogue (gCat items and the other faces' records)."""

from __future__ import annotations

import httpx

from fairdepot.core.crosswalks.ckan_names import name_of_ark
from tests.support.gcat import seed_crate, seed_scicat_dataset


def body(name: str, **fields) -> dict:
    return {"name": name, "license_id": "CC-BY-4.0", **fields}


def ark_of(package: dict) -> str:
    return next(e["value"] for e in package["extras"] if e["key"] == "fairdepot:ark")


def test_create_answers_201_with_location_and_the_callers_fields(gcat) -> None:
    name = gcat.name("created")
    made = gcat.call(
        "POST",
        "/items?social_post=false",
        "editor",
        json=body(
            name, author="not me", tags=[{"name": "water"}], extras=[{"key": "k", "value": "v"}]
        ),
    )
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{gcat.url}/items/{name}"
    package = made.json()
    assert package["author"] == gcat.usernames["editor"]
    assert package["author_email"] == f"{gcat.usernames['editor']}@example.org"
    assert package["organization"]["name"] == gcat.org
    assert [t["name"] for t in package["tags"]] == ["water"]
    assert package["extras"][0] == {"key": "k", "value": "v"}
    read = gcat.call("GET", f"/items/{name}", "member").json()
    assert read == package
    assert gcat.call("GET", f"/items/{package['id']}", "member").json()["name"] == name


def test_bad_items_are_400_and_ckans_refusals_409(gcat) -> None:
    assert gcat.call("POST", "/items", "editor", json={"license_id": "cc-by"}).status_code == 400
    bad_name = gcat.call("POST", "/items", "editor", json=body("Bad Name"))
    assert bad_name.status_code == 400
    assert "between 2 and 100 characters" in bad_name.json()["message"]
    unknown = gcat.call("POST", "/items", "editor", json=body(gcat.name("lic"), license_id="x"))
    assert unknown.status_code == 400
    assert "existing license" in unknown.json()["message"]
    tag = gcat.call("POST", "/items", "editor", json=body(gcat.name("tag"), tags=[{"name": "a"}]))
    assert tag.status_code == 409
    assert gcat.call("POST", "/items", "editor", content=b"{nope").status_code == 400
    assert gcat.call("POST", "/items", None, json=body(gcat.name("anon"))).status_code == 401


def test_a_taken_name_is_409_also_in_the_trash_and_purge_frees_it(gcat) -> None:
    name = gcat.name("taken")
    path = f"/items/{name}"
    made = gcat.call("POST", "/items", "editor", json=body(name))
    ark = ark_of(made.json())
    assert gcat.call("POST", "/items", "editor", json=body(name)).status_code == 409
    assert gcat.call("DELETE", path, "editor").status_code == 204
    assert gcat.call("GET", path, "member").status_code == 404
    assert gcat.call("GET", path, "editor").json()["state"] == "deleted"
    assert gcat.call("POST", "/items", "editor", json=body(name)).status_code == 409
    assert gcat.call("DELETE", f"{path}?purge=true", "editor").status_code == 204
    assert gcat.call("GET", path, "editor").status_code == 404
    assert gcat.call("HEAD", path, "editor").status_code == 404
    resolved = httpx.get(f"{gcat.base_url}/api/{ark}", timeout=30)
    assert resolved.status_code == 410  # the ARK is a tombstone
    assert gcat.call("POST", "/items", "editor", json=body(name)).status_code == 201
    assert gcat.call("PURGE", path, "editor").status_code == 204
    assert gcat.call("PURGE", path, "editor").status_code == 404


def test_put_and_patch(gcat) -> None:
    name = gcat.name("changed")
    path = f"/items/{name}"
    resources = [{"url": "https://example.org/a"}, {"url": "https://example.org/b"}]
    made = gcat.call("POST", "/items", "editor", json=body(name, resources=resources)).json()
    first = made["resources"][0]
    replaced = gcat.call(
        "PUT",
        path,
        "editor",
        json=body(name, notes="n", resources=[{**first, "name": "one"}, {"url": "https://c.org/"}]),
    )
    assert replaced.status_code == 200, replaced.text
    shown = replaced.json()["resources"]
    assert [(r["id"] == first["id"], r["url"]) for r in shown] == [
        (True, "https://example.org/a"),
        (False, "https://c.org/"),
    ]
    assert gcat.call("PUT", path, "editor", json=body(gcat.name("other"))).status_code == 400
    missing = {"id": "nope", "url": "https://x.org/"}
    assert gcat.call("PUT", path, "editor", json=body(name, resources=[missing])).status_code == 400
    patched = gcat.call("PATCH", path, "editor", json={"title": "Patched"}).json()
    assert (patched["title"], patched["notes"]) == ("Patched", "n")
    again = gcat.call("PUT", path, "editor", json=patched)  # what was read goes back
    assert again.status_code == 200, again.text
    assert [e["key"] for e in again.json()["extras"]] == ["fairdepot:ark"]
    assert gcat.call("HEAD", path, "member").status_code == 204


def test_the_item_resolves_at_its_ark(gcat) -> None:
    name = gcat.name("resolved")
    package = gcat.call("POST", "/items", "editor", json=body(name, title="Resolved")).json()
    answer = httpx.get(
        f"{gcat.base_url}/api/{ark_of(package)}", headers={"Accept": "application/ld+json"}
    )
    assert answer.status_code == 200, answer.text
    assert "Resolved" in answer.text


def test_one_catalogue_lists_and_reads_crates_and_scicat_datasets(gcat) -> None:
    word = f"word{gcat.tag}"
    item = gcat.name("listed")
    gcat.call("POST", "/items", "editor", json=body(item, notes=f"about {word}"))
    crate = name_of_ark(seed_crate(gcat.runtime, "crate", word))
    dataset = name_of_ark(seed_scicat_dataset(gcat.runtime, f"ds-{gcat.tag}", word))
    found = gcat.call("GET", f"/items?q={word}&limit=-1", "member").json()
    assert set(found) == {item, crate, dataset}
    tagged = gcat.call("GET", "/items", "member", params={"fq": f"tags:{word}", "limit": -1})
    assert set(tagged.json()) == {crate, dataset}
    assert gcat.call("GET", f"/items?q={word}&count=true", "member").json() == {"count": 3}
    for name in (crate, dataset):
        package = gcat.call("GET", f"/items/{name}", "member").json()
        assert package["name"] == name
        assert word in [t["name"] for t in package["tags"]]
        assert gcat.call("PATCH", f"/items/{name}", "admin", json={"notes": "x"}).status_code == 409


def test_listing_pages_limits_and_bad_parameters(gcat) -> None:
    word = f"page{gcat.tag}"
    made = [gcat.name(f"page{i}") for i in range(3)]
    for name in made:
        gcat.call("POST", "/items", "editor", json=body(name, tags=[{"name": word}]))
    params = {"fq": f"tags:{word}"}
    assert gcat.call("GET", "/items", "member", params={**params, "limit": 2}).json() == made[:2]
    second = gcat.call("GET", "/items", "member", params={**params, "limit": 2, "offset": 1})
    assert second.json() == made[2:]  # offset counts pages
    for bad in ({"fq": "nofield"}, {"fq": "state:x"}, {"status": "x"}, {"limit": "x"}):
        assert gcat.call("GET", "/items", "member", params=bad).status_code == 400
    own = gcat.call("GET", "/items", "admin", params={**params, "own_only": "true"})
    assert own.json() == []
