"""Counters of failed logins, shared by every API process: in the database, or in Redis.

`interface.py` says what a store does; `sql.py` keeps the counters in a table of the catalogue's
database (no extra service to run), `redis.py` in Redis when one is configured (no writes to
the database for each failed login). `open_attempt_counters` picks one from the settings' values.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from fairdepot.storage.login_attempts.interface import AttemptCounters, Counter


def open_attempt_counters(
    write_sessions: sessionmaker[Session], *, redis_url: str = "", key_prefix: str = ""
) -> AttemptCounters:
    if redis_url:
        from fairdepot.storage.login_attempts.redis import RedisAttemptCounters

        return RedisAttemptCounters.from_url(redis_url, key_prefix=key_prefix)
    from fairdepot.storage.login_attempts.sql import SqlAttemptCounters

    return SqlAttemptCounters(write_sessions)


__all__ = ["AttemptCounters", "Counter", "open_attempt_counters"]
