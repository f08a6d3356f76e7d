"""Who the gCat face lets in: the gcube-token header or a Bearer token, ours either way."""

from __future__ import annotations

import httpx
import pytest

WRITES = [
    ("POST", "/organizations"),
    ("PUT", "/organizations/x1"),
    ("PATCH", "/organizations/x1"),
    ("DELETE", "/organizations/x1"),
    ("PURGE", "/organizations/x1"),
    ("POST", "/users"),
    ("PUT", "/users/x1"),
    ("DELETE", "/users/x1"),
    ("POST", "/groups"),
]
READS = [
    ("GET", "/organizations"),
    ("GET", "/organizations/x1"),
    ("GET", "/groups"),
    ("GET", "/users"),
    ("GET", "/namespaces"),
    ("HEAD", "/organizations"),
]


@pytest.mark.parametrize(("method", "path"), READS + WRITES)
def test_no_token_or_a_bad_one_is_401(gcat, method, path) -> None:
    for headers in ({}, {"gcube-token": "not-a-token"}, {"gcube-token": "fdp_forged"}):
        answer = gcat.http.request(method, path, headers=headers, json={"name": "x1"})
        assert answer.status_code == 401, (method, path, headers, answer.text)
        if method != "HEAD":
            assert answer.json()["message"]


def test_an_api_token_works_in_either_header_and_a_login_jwt_too(gcat) -> None:
    token = gcat.tokens["member"]
    for headers in ({"gcube-token": token}, {"Authorization": f"Bearer {token}"}):
        answer = gcat.http.get("/organizations?limit=-1", headers=headers)
        assert answer.status_code == 200, answer.text
        assert gcat.org in answer.json()
    username = gcat.usernames["member"]
    login = httpx.post(
        f"{gcat.base_url}/api/login", data={"username": username, "password": f"{username}-pw"}
    )
    jwt = login.json()["access_token"]
    for headers in ({"gcube-token": jwt}, {"Authorization": f"Bearer {jwt}"}):
        own = gcat.http.get(f"/users/{username}", headers=headers)
        assert own.status_code == 200, own.text
        assert own.json()["email"] == f"{username}@example.org"


def test_a_cli_account_with_a_gcat_role_uses_its_printed_token_as_gcube_token(gcat) -> None:
    username = gcat.name("cli-editor")
    added = gcat.cli(
        "user", "add", username, "--email", f"{username}@example.org", "--password", "pw-1234",
        "--role", "catalogue-editor", "--organization", gcat.org,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    printed = gcat.cli("user", "token", username)
    assert printed.returncode == 0, printed.stderr
    token = printed.stdout.strip()
    organization = gcat.http.get(f"/organizations/{gcat.org}", headers={"gcube-token": token})
    assert organization.status_code == 200, organization.text
    assert {"name": username, "capacity": "editor"} in organization.json()["users"]
    # an editor reads but may not write organizations: authenticated, so 403, not 401
    refused = gcat.http.post(
        "/organizations", headers={"gcube-token": token}, json={"name": gcat.name("by-editor")}
    )
    assert refused.status_code == 403, refused.text
