"""Every row of the gCat method table over HTTP: OPTIONS, 405 with Allow, HEAD, the purge alias."""

from __future__ import annotations

import pytest

from fairdepot.api.gcat.methods import METHOD_TABLE, row_for, rows

EVERY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PURGE")
ROWS = sorted(METHOD_TABLE)


def concrete(template: str) -> str:
    return template.replace("{ITEM}", "some-item").replace("{RID}", "r1").replace("{NAME}", "x1")


def allow_set(header: str | None) -> set[str]:
    return {m.strip().upper() for m in (header or "").split(",") if m.strip()}


@pytest.mark.parametrize("template", ROWS)
def test_options_answers_204_with_the_rows_methods_without_a_token(gcat, template) -> None:
    answer = gcat.call("OPTIONS", concrete(template))
    assert answer.status_code == 204, answer.text
    assert answer.content == b""
    assert allow_set(answer.headers.get("allow")) == {*METHOD_TABLE[template], "OPTIONS", "HEAD"}


@pytest.mark.parametrize("template", ROWS)
def test_every_method_a_row_lacks_is_405_with_allow(gcat, template) -> None:
    allowed = {*METHOD_TABLE[template], "OPTIONS", "HEAD"}
    missing = [m for m in EVERY_METHOD if m not in allowed]
    for label in (None, "sysadmin"):
        for method in missing:
            answer = gcat.call(method, concrete(template), label)
            assert answer.status_code == 405, (method, template, answer.text)
            assert allow_set(answer.headers.get("allow")) == allowed
            assert method in answer.json()["message"]


def test_purge_is_405_on_every_path_without_it(gcat) -> None:
    without = [t for t in ROWS if "PURGE" not in METHOD_TABLE[t]]
    assert without  # resources, profiles, users, licenses...
    for template in without:
        assert gcat.call("PURGE", concrete(template), "sysadmin").status_code == 405, template


@pytest.mark.parametrize("collection", ["/organizations", "/groups", "/users", "/namespaces"])
def test_head_of_a_collection_is_204_without_a_body(gcat, collection) -> None:
    answer = gcat.call("HEAD", collection, "sysadmin")
    assert answer.status_code == 204
    assert answer.content == b""
    assert gcat.call("HEAD", collection).status_code == 401


def test_head_of_an_instance_says_whether_it_exists(gcat) -> None:
    for path in (f"/organizations/{gcat.org}", f"/users/{gcat.usernames['member']}"):
        answer = gcat.call("HEAD", path, "sysadmin")
        assert (answer.status_code, answer.content) == (204, b""), path
    gcat.call("POST", "/groups", "sysadmin", json={"name": gcat.name("head-group")})
    assert gcat.call("HEAD", f"/groups/{gcat.name('head-group')}", "sysadmin").status_code == 204
    for path in ("/organizations/no-such-org", "/groups/no-such-group", "/users/no-such-user"):
        answer = gcat.call("HEAD", path, "sysadmin")
        assert (answer.status_code, answer.content) == (404, b""), path


def test_delete_with_purge_true_is_purge(gcat) -> None:
    soft, hard = gcat.name("soft-org"), gcat.name("hard-org")
    for name in (soft, hard):
        assert (
            gcat.call("POST", "/organizations", "sysadmin", json={"name": name}).status_code == 201
        )
    assert gcat.call("DELETE", f"/organizations/{soft}?purge=false", "sysadmin").status_code == 204
    assert gcat.call("DELETE", f"/organizations/{hard}?purge=true", "sysadmin").status_code == 204
    assert gcat.call("GET", f"/organizations/{soft}", "sysadmin").json()["state"] == "deleted"
    assert gcat.call("GET", f"/organizations/{hard}", "sysadmin").status_code == 404


def test_unknown_paths_below_gcat_are_404_in_the_faces_shape(gcat) -> None:
    for path in ("/nothing", "/organizations/x1/extra", "/"):
        answer = gcat.call("GET", path, "sysadmin")
        assert answer.status_code == 404, path
        assert set(answer.json()) == {"message", "problems"}


def test_the_root_lists_the_gcat_face(gcat) -> None:
    faces = {f["name"]: f for f in gcat.http.get(gcat.base_url + "/").json()["faces"]}
    assert faces["gCat"]["url"] == gcat.url


def test_paths_match_one_row_by_segments_with_one_trailing_slash_ignored() -> None:
    table = rows()
    found = {path: getattr(row_for(path, table), "template", None) for path in PATHS}
    assert found == PATHS


PATHS = {
    "/organizations": "/organizations",
    "/organizations/": "/organizations",
    "/organizations/lab": "/organizations/{NAME}",
    "/organizations//": None,
    "/items/a/resources/r": "/items/{ITEM}/resources/{RID}",
    "/items/a/resources/r/x": None,
    "/Organizations": None,
    "/": None,
}
