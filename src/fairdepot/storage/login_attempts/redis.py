"""Attempt counters in Redis: a key per counter, its TTL the rest of its window.

Counting all counters of one attempt is one Lua script, so it is atomic (no attempt counted if
any counter is at its limit) without a transaction round trip. Keys carry the hash tag
`{login}`, so the script's keys share one slot on a Redis Cluster too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import redis

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.storage.login_attempts.interface import Counter

REDIS = "login-attempt store (Redis)"


@contextmanager
def _available() -> Iterator[None]:
    """Redis not answering is an outage (503 with Retry-After at the faces), not a bug."""
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise DependencyUnavailable(REDIS, f"{type(exc).__name__}: {exc}"[:300]) from exc


# KEYS: the counters; ARGV: limit and window (ms) of each, in turn. Returns 0 when counted,
# else the milliseconds until the last refusing counter's window ends.
_RESERVE = """
local wait = 0
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      ttl = tonumber(ARGV[2 * i])
      redis.call('PEXPIRE', key, ttl)
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local attempts = redis.call('INCR', key)
  if attempts == 1 or redis.call('PTTL', key) < 0 then
    redis.call('PEXPIRE', key, ARGV[2 * i])
  end
end
return 0
"""
_RELEASE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisAttemptCounters:
    def __init__(self, client: redis.Redis, *, key_prefix: str = "") -> None:
        self._client = client
        self._prefix = f"{key_prefix}{{login}}:"
        self._reserve = client.register_script(_RESERVE)
        self._release = client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, *, key_prefix: str = "") -> RedisAttemptCounters:
        # Short timeouts: a login waits on this, and a hung Redis must not hang every login.
        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        return cls(client, key_prefix=key_prefix)

    def redis_key(self, key: str) -> str:
        return self._prefix + key

    def reserve(self, counters: Sequence[Counter]) -> int | None:
        if not counters:
            return None
        args: list[int] = []
        for counter in counters:
            args += [counter.limit, counter.window_seconds * 1000]
        with _available():
            wait_ms = int(self._reserve(keys=[self.redis_key(c.key) for c in counters], args=args))
        return max(1, math.ceil(wait_ms / 1000)) if wait_ms > 0 else None

    def release(self, key: str) -> None:
        with _available():
            self._release(keys=[self.redis_key(key)])

    def clear(self, key: str) -> None:
        with _available():
            self._client.delete(self.redis_key(key))

    def close(self) -> None:
        self._client.close()
