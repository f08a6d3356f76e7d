"""Failed-login counters: the same behaviour in the database (SQLite, PostgreSQL) and in Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.login_attempts import AttemptCounters, Counter
from fairdepot.storage.login_attempts.redis import RedisAttemptCounters
from fairdepot.storage.login_attempts.sql import SqlAttemptCounters

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["database", "redis"])
def counters(request: pytest.FixtureRequest) -> Iterator[AttemptCounters]:
    if request.param == "redis":
        prefix = f"fairdepot-test-{uuid.uuid4().hex[:10]}:"
        store = RedisAttemptCounters.from_url(REDIS_URL, key_prefix=prefix)
        yield store
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()
        store.close()
    else:
        engine = request.getfixturevalue("empty_engine")
        upgrade(engine)
        yield SqlAttemptCounters(session_factories(engine)[1])


def test_counts_up_to_the_limit_then_refuses_until_the_window_ends(counters) -> None:
    account = Counter("account:a", limit=3, window_seconds=60)
    assert [counters.reserve([account]) for _ in range(3)] == [None, None, None]
    retry_after = counters.reserve([account])
    assert retry_after is not None
    assert 55 <= retry_after <= 60
    assert counters.reserve([Counter("account:b", 3, 60)]) is None  # others are unaffected


def test_a_refused_attempt_is_counted_on_no_counter(counters) -> None:
    address = Counter("address:1", limit=5, window_seconds=60)
    locked = Counter("account:locked", limit=1, window_seconds=60)
    assert counters.reserve([address, locked]) is None
    for _ in range(5):  # refused because of `locked`: the address counter must not move
        assert counters.reserve([address, locked]) is not None
    assert [counters.reserve([address]) for _ in range(4)] == [None] * 4
    assert counters.reserve([address]) is not None


def test_release_takes_back_one_attempt_and_clear_forgets_the_counter(counters) -> None:
    counter = Counter("address:2", limit=2, window_seconds=60)
    assert counters.reserve([counter]) is None
    assert counters.reserve([counter]) is None
    counters.release(counter.key)
    assert counters.reserve([counter]) is None
    assert counters.reserve([counter]) is not None
    counters.clear(counter.key)
    assert counters.reserve([counter]) is None


def test_a_new_window_starts_when_the_old_one_ends(counters) -> None:
    counter = Counter("account:short", limit=1, window_seconds=1)
    assert counters.reserve([counter]) is None
    assert counters.reserve([counter]) == 1
    time.sleep(1.2)
    assert counters.reserve([counter]) is None


def test_concurrent_attempts_never_count_past_the_limit(counters) -> None:
    counter = Counter("account:raced", limit=5, window_seconds=60)
    results: list[int | None] = []
    start = threading.Barrier(16)

    def attempt() -> None:
        start.wait()
        results.append(counters.reserve([counter]))

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results.count(None) == 5
    assert len(results) == 16


def test_an_unreachable_redis_is_an_unavailable_dependency_not_an_error() -> None:
    """Logins while Redis is down answer 503 with Retry-After (as for the database), not 500."""
    from fairdepot.core.errors import DependencyUnavailable

    store = RedisAttemptCounters.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    counter = Counter("account:x", limit=3, window_seconds=60)
    try:
        for call in (
            lambda: store.reserve([counter]),
            lambda: store.release("account:x"),
            lambda: store.clear("account:x"),
        ):
            with pytest.raises(DependencyUnavailable) as refused:
                call()
            assert refused.value.dependency == "login-attempt store (Redis)"
    finally:
        store.close()
