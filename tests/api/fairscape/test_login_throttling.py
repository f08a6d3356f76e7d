"""Failed logins are throttled per account and per client address, for every API process.

A small deployment of its own (low limits, its own accounts), once with the counters in the
database and once in Redis; clients connect from distinct loopback addresses (127.0.0.0/8) so
that the server sees distinct client addresses.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis
import sqlalchemy as sa

from tests.support.deployments import Deployment, backend_name, embedded, scaleout
from tests.support.server import OnLoopback

REDIS_URL = "redis://127.0.0.1:6379/0"
PER_ACCOUNT, PER_ADDRESS, WINDOW = 3, 8, 120
USERS = [f"user{n}" for n in range(12)]
_addresses = (f"127.0.0.{n}" for n in itertools.count(20))


@pytest.fixture(scope="module", params=["database", "redis"])
def throttled(request, tmp_path_factory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp(f"throttle-{request.param}")
    accounts = root / "accounts.json"
    accounts.write_text(
        json.dumps(
            [
                {"user": {"username": u, "email": f"{u}@example.org", "password": f"{u}-pw"}}
                for u in USERS
            ]
        )
    )
    extra = {
        "FAIRDEPOT_ACCOUNTS_FILE": str(accounts),
        "FAIRDEPOT_LOGIN_MAX_FAILURES_PER_ACCOUNT": str(PER_ACCOUNT),
        "FAIRDEPOT_LOGIN_MAX_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
        "FAIRDEPOT_LOGIN_ACCOUNT_WINDOW_SECONDS": str(WINDOW),
        "FAIRDEPOT_LOGIN_ADDRESS_WINDOW_SECONDS": str(WINDOW),
    }
    prefix = f"fairdepot-test-{uuid.uuid4().hex[:10]}:"
    if request.param == "redis":
        extra |= {"FAIRDEPOT_REDIS_URL": REDIS_URL, "FAIRDEPOT_REDIS_KEY_PREFIX": prefix}
    if backend_name() == "scaleout":
        deployment = scaleout(root, request.getfixturevalue("seaweedfs"), workers=0, extra=extra)
    else:
        deployment = embedded(root, extra)
    yield deployment
    deployment.stop()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def _client(target: OnLoopback, address: str) -> httpx.Client:
    """A client connecting from `address`, a new connection per request (spread by balancers)."""
    transport = httpx.HTTPTransport(
        local_address=address, limits=httpx.Limits(max_keepalive_connections=0)
    )
    return httpx.Client(base_url=target.api_url, transport=transport, timeout=60)


def _login(client: httpx.Client, username: str, password: str | None = None) -> httpx.Response:
    return client.post(
        "/login", data={"username": username, "password": password or f"{username}-pw"}
    )


def _fail(client: httpx.Client, username: str, times: int) -> None:
    for _ in range(times):
        response = _login(client, username, "wrong")
        assert response.status_code == 401, response.text


def test_wrong_passwords_past_the_limit_get_429_with_retry_after_even_the_right_one(
    throttled,
) -> None:
    client = _client(throttled, next(_addresses))
    _fail(client, "user0", PER_ACCOUNT)
    refused = _login(client, "user0", "wrong")
    assert refused.status_code == 429, refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= WINDOW
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429
    assert "too many failed logins" in refused.json()["detail"]
    right = _login(client, "user0")
    assert right.status_code == 429, right.text
    assert "access_token" not in right.text


def test_another_account_from_another_address_is_unaffected(throttled) -> None:
    attacker, other = _client(throttled, next(_addresses)), _client(throttled, next(_addresses))
    _fail(attacker, "user1", PER_ACCOUNT)
    assert _login(attacker, "user1").status_code == 429
    assert _login(other, "user2").status_code == 200
    assert _login(other, "user2", "wrong").status_code == 401
    # the attacker's address is below its own limit: its other accounts still log in
    assert _login(attacker, "user3").status_code == 200


def test_one_address_trying_many_accounts_is_refused_for_all_of_them(throttled) -> None:
    sprayer = _client(throttled, next(_addresses))
    for index in range(PER_ADDRESS):  # one failure per name: no account reaches its limit
        _fail(sprayer, f"sprayed-{index}", 1)
    refused = _login(sprayer, "user4")
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert _login(_client(throttled, next(_addresses)), "user4").status_code == 200


def test_success_is_not_counted_and_does_not_reset_the_address_counter(throttled) -> None:
    client = _client(throttled, next(_addresses))
    for index in range(PER_ADDRESS - 1):
        _fail(client, f"someone-{index}", 1)
    assert _login(client, "user5").status_code == 200  # not counted as a failure
    _fail(client, "someone-else", 1)  # the address's last allowed failure
    assert _login(client, "user5").status_code == 429


def test_a_successful_login_clears_its_accounts_failures(throttled) -> None:
    client = _client(throttled, next(_addresses))
    _fail(client, "user6", PER_ACCOUNT - 1)
    assert _login(client, "user6").status_code == 200
    _fail(client, "user6", PER_ACCOUNT - 1)  # a fresh allowance, not the remaining one
    assert _login(client, "user6").status_code == 200


def test_unknown_names_are_throttled_like_accounts(throttled) -> None:
    """A 429 must not tell an attacker which names are accounts."""
    client = _client(throttled, next(_addresses))
    _fail(client, "nobody-at-all", PER_ACCOUNT)
    assert _login(client, "nobody-at-all", "wrong").status_code == 429


@pytest.mark.skipif(backend_name() != "scaleout", reason="one API process in embedded mode")
def test_the_api_processes_share_the_counters(throttled) -> None:
    first, second = throttled.servers
    address = next(_addresses)
    _fail(_client(first, address), "user7", PER_ACCOUNT)
    refused = _login(_client(second, address), "user7")
    assert refused.status_code == 429, refused.text
    assert _login(_client(second, next(_addresses)), "user8").status_code == 200


def test_the_counters_live_in_the_configured_store(throttled) -> None:
    client = _client(throttled, next(_addresses))
    _fail(client, "user9", 1)
    url = throttled.env.get("FAIRDEPOT_DATABASE_URL") or (
        f"sqlite:///{throttled.data_dir / 'fairdepot.db'}"
    )
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.scalar(sa.text("SELECT count(*) FROM login_attempts"))
    engine.dispose()
    prefix = throttled.env.get("FAIRDEPOT_REDIS_KEY_PREFIX")
    if prefix:
        store = redis.Redis.from_url(REDIS_URL)
        keys = list(store.scan_iter(f"{prefix}*"))
        store.close()
        assert rows == 0
        assert any(b":address:" in key for key in keys)
        assert any(b":account:" in key for key in keys)
    else:
        assert rows >= 2  # at least this test's address and account counters
