"""Attempt counters in the `login_attempts` table (SQLite or PostgreSQL).

One row per counter: attempts counted and when the window ends. Counting is one upsert per
counter (`INSERT ... ON CONFLICT DO UPDATE ... WHERE below the limit RETURNING`), atomic on
both databases, all counters of one attempt in one transaction, so a refusal counts nothing.
Expired rows are deleted when a new window starts, so the table holds only live counters.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from fairdepot.storage.db.models import LoginAttemptRow
from fairdepot.storage.login_attempts.interface import Counter

_TABLE = cast(sa.Table, LoginAttemptRow.__table__)


class SqlAttemptCounters:
    def __init__(
        self, write_sessions: sessionmaker[Session], clock: Callable[[], float] = time.time
    ) -> None:
        self._sessions = write_sessions
        self._clock = clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def reserve(self, counters: Sequence[Counter]) -> int | None:
        now = self._now()
        refused: list[datetime] = []
        with self._sessions() as session:
            for counter in counters:
                counted = session.execute(_count_one(session, counter, now)).first()
                if counted is None:  # at its limit: nothing was changed
                    ends = session.scalar(
                        sa.select(LoginAttemptRow.window_ends_at).where(
                            LoginAttemptRow.key == counter.key
                        )
                    )
                    refused.append(_as_utc(ends) if ends else now)
                elif counted.attempts == 1:  # a new window: drop the counters that ended
                    session.execute(
                        sa.delete(LoginAttemptRow).where(LoginAttemptRow.window_ends_at <= now)
                    )
            if refused:
                session.rollback()
                return max(1, math.ceil((max(refused) - now).total_seconds()))
            session.commit()
        return None

    def release(self, key: str) -> None:
        with self._sessions() as session:
            session.execute(
                sa.update(LoginAttemptRow)
                .where(
                    LoginAttemptRow.key == key,
                    LoginAttemptRow.attempts > 0,
                    LoginAttemptRow.window_ends_at > self._now(),
                )
                .values(attempts=LoginAttemptRow.attempts - 1)
            )
            session.commit()

    def clear(self, key: str) -> None:
        with self._sessions() as session:
            session.execute(sa.delete(LoginAttemptRow).where(LoginAttemptRow.key == key))
            session.commit()

    def close(self) -> None:
        """The sessions belong to the runtime, which disposes of the engine."""


def _count_one(session: Session, counter: Counter, now: datetime) -> sa.Executable:
    """One more attempt, or a new window if the old one ended; no row back if at the limit."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    ends = now + timedelta(seconds=counter.window_seconds)
    ended = _TABLE.c.window_ends_at <= now
    return (
        insert(_TABLE)
        .values(key=counter.key, attempts=1, window_ends_at=ends)
        .on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                "attempts": sa.case((ended, 1), else_=_TABLE.c.attempts + 1),
                "window_ends_at": sa.case(
                    (ended, sa.literal(ends, _TABLE.c.window_ends_at.type)),
                    else_=_TABLE.c.window_ends_at,
                ),
            },
            where=sa.or_(ended, _TABLE.c.attempts < counter.limit),
        )
        .returning(_TABLE.c.attempts)
    )


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
