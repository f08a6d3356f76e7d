"""One error shape on every route of ours, and a root that says what this server is.

A newcomer's first requests are `/`, a typo'd path and a half-typed ARK: each must answer
RFC 9457 problem+json (or the server's own description), never Starlette's bare
`{"detail": "Not Found"}`, and never a redirect to somewhere that then fails.
"""

from __future__ import annotations

import httpx
import pytest

from fairdepot import __version__

PROBLEM = "application/problem+json"


def _problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture(scope="module")
def root(server) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=30)


def test_the_root_says_what_this_server_is_and_links_its_faces(root, server) -> None:
    response = root.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["name"] == "fairdepot"
    assert body["version"] == __version__
    faces = {face["name"]: face for face in body["faces"]}
    assert faces["FAIRSCAPE"]["url"] == f"{server.base_url}/api"
    links = body["links"]
    for name, path in (
        ("docs", "/docs"),
        ("openapi", "/openapi.json"),
        ("api", "/api"),
        ("health", "/healthz"),
        ("ark_resolver", "/.well-known/ark"),
    ):
        assert links[name] == f"{server.base_url}{path}"
        # every advertised link is really there
        assert root.get(path).status_code == 200, path


def test_the_root_answers_a_browser_with_an_html_page_of_the_same_links(root) -> None:
    response = root.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/docs"' in response.text
    assert 'href="/api"' in response.text or "/api" in response.text
    assert __version__ in response.text


@pytest.mark.parametrize("path", ["/nope", "/api/nope", "/api/rocrate/nope/deeper"])
def test_an_unknown_route_is_a_problem_naming_the_path(root, path) -> None:
    body = _problem(root.get(path), 404)
    assert path in body["detail"]
    assert body != {"detail": "Not Found"}


def test_a_wrong_method_is_a_problem_with_allow(root) -> None:
    response = root.delete("/healthz")
    body = _problem(response, 405)
    assert "GET" in response.headers["allow"]
    assert "DELETE" in body["detail"]
    assert "GET" in body["detail"]


def test_a_wrong_method_on_a_face_route_is_a_problem_with_allow(root) -> None:
    response = root.patch("/api/login")
    _problem(response, 405)
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "path", ["/api/ark:bogus", "/ark:bogus", "/api/ark:/bogus", "/api/rocrate/ark:99999"]
)
def test_an_ark_without_a_name_is_a_400_at_once_not_a_redirect(root, path) -> None:
    response = root.get(path)
    body = _problem(response, 400)
    assert "ark:NAAN/name" in body["detail"]


def test_a_bad_naan_is_explained_in_plain_words(root) -> None:
    body = _problem(root.get("/api/ark:bogus/x1"), 400)
    assert "betanumeric" not in body["detail"]
    assert "NAAN" in body["detail"]
    assert "digits" in body["detail"]


def test_both_anonymous_refusals_say_the_same_thing(api, fresh_fairscape_zip) -> None:
    """A route that needs a login and a record whose files need one use one wording."""
    needs_login = _problem(api.http.get("/rocrate"), 401)
    job = api.ingest(fresh_fairscape_zip)
    assert job["status"] == "COMPLETE", job
    private_files = _problem(api.http.get(f"/download/{job['rocrateIdentifier']}"), 401)
    assert private_files["detail"] == needs_login["detail"]
    assert "log in" in needs_login["detail"]


def test_a_validation_error_outside_a_face_is_a_problem_too(root) -> None:
    """FastAPI's own 422 (a query parameter of the wrong type) keeps the problem shape."""
    body = _problem(root.get("/api/search/basic", params={"query": "x", "limit": "many"}), 422)
    assert "limit" in body["detail"]


@pytest.mark.parametrize(
    "path",
    ["/api/search/basic?query=a%00b", "/api/rocrate?limit=1&x=%00", "/api/ark:99999/fd1%00x"],
)
def test_a_nul_character_in_the_url_is_a_400_problem(root, path: str) -> None:
    """PostgreSQL cannot hold U+0000 in text: refused before any query, never a 500."""
    assert "NUL" in _problem(root.get(path), 400)["detail"]


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_nul_character_in_a_form_field_is_a_400_problem_naming_the_field(root, field) -> None:
    """Refused at the face like NUL in the URL or in JSON, before any service sees it."""
    form = {"username": "alice", "password": "alice-pw", field: "ali\x00ce"}
    body = _problem(root.post("/api/login", data=form), 400)
    assert "NUL" in body["detail"]
    assert [p["location"] for p in body["errors"]] == [field]


def test_a_nul_character_in_a_streamed_multipart_field_is_a_400_problem(
    api, plain_zip, server
) -> None:
    """An upload's text fields are refused alike, and the streamed upload is not kept."""
    from tests.support.blobs import blob_keys

    uploads_before = {key for key in blob_keys(server) if key.startswith("uploads/")}
    with plain_zip.open("rb") as handle:
        response = api.http.post(
            "/rocrate/upload-async",
            headers=api.auth("alice"),
            files={"crate": (plain_zip.name, handle, "application/zip")},
            data={"note": "a\x00b"},
        )
    body = _problem(response, 400)
    assert "NUL" in body["detail"]
    assert [p["location"] for p in body["errors"]] == ["note"]
    assert {key for key in blob_keys(server) if key.startswith("uploads/")} <= uploads_before
