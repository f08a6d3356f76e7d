"""SciCat login on a real server: 201 with the ReturnedAuthLoginDto every client reads,
401 in SciCat's error shape for bad credentials, a bad token treated as anonymous."""

from __future__ import annotations

import base64
import json
import time

import httpx

from tests.support.deployments import Deployment


def _claims(jwt: str) -> dict[str, object]:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_login_answers_the_full_login_document(server: Deployment) -> None:
    response = httpx.post(
        f"{server.base_url}/api/v3/auth/login", json={"username": "alice", "password": "alice-pw"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"access_token", "id", "expires_in", "ttl", "created", "userId", "user"}
    assert body["access_token"] == body["id"]
    assert isinstance(body["expires_in"], int)
    assert body["expires_in"] == body["ttl"]
    assert body["created"].endswith("Z")
    assert body["user"]["username"] == "alice"
    assert body["user"]["id"] == body["userId"]
    assert body["user"]["email"] == "alice@example.org"
    assert _claims(body["id"])["exp"] > time.time()  # type: ignore[operator]
    whoami = httpx.get(
        f"{server.base_url}/api/v3/auth/whoami", headers={"Authorization": f"Bearer {body['id']}"}
    )
    assert whoami.status_code == 200
    assert whoami.json()["username"] == "alice"
    # pyscicat's second way of sending it, and the capitalised path scitacean's probe uses
    via_query = httpx.get(f"{server.base_url}/api/v3/Auth/WhoAmI/?access_token={body['id']}")
    assert via_query.json()["username"] == "alice"
    users_login = httpx.post(
        f"{server.base_url}/api/v3/Users/login", json={"username": "alice", "password": "alice-pw"}
    )
    assert users_login.status_code == 201


def test_bad_credentials_are_401_in_scicat_shape(server: Deployment) -> None:
    response = httpx.post(
        f"{server.base_url}/api/v3/auth/login", json={"username": "alice", "password": "nope"}
    )
    assert response.status_code == 401
    body = response.json()
    assert body["statusCode"] == 401
    assert body["error"] == "Unauthorized"
    assert body["message"]


def test_a_login_without_a_password_says_which_field(server: Deployment) -> None:
    response = httpx.post(f"{server.base_url}/api/v3/auth/login", json={"username": "alice"})
    assert response.status_code == 400
    assert any("password" in m for m in response.json()["message"])


def test_a_bad_token_is_anonymous_not_401(server: Deployment) -> None:
    response = httpx.get(
        f"{server.base_url}/api/v3/auth/whoami", headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 403
    assert response.json()["statusCode"] == 403


def test_scitacean_accounts_log_in(scicat) -> None:  # type: ignore[no-untyped-def]
    who = scicat.request("GET", "/api/v3/auth/whoami", "user1")
    assert who.status_code == 200
    assert who.json()["currentGroups"] == ["group1"]
