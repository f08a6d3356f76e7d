"""What a store of attempt counters does; the login throttle (services) decides what to count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Counter:
    """One counter: at most `limit` attempts in a window of `window_seconds`.

    The window starts with the first attempt counted and ends `window_seconds` later, whatever
    happens meanwhile: a counter at its limit refuses until then, which is the Retry-After.
    """

    key: str
    limit: int
    window_seconds: int


class AttemptCounters(Protocol):
    def reserve(self, counters: Sequence[Counter]) -> int | None:
        """Count one attempt on every counter, or on none if any is at its limit.

        None when counted; otherwise the seconds (at least 1) until every refusing counter's
        window ends. Atomic across processes: N concurrent callers never count past a limit,
        which is why an attempt is counted *before* its password is checked.
        """
        ...

    def release(self, key: str) -> None:
        """Take back one counted attempt (it succeeded); the window and the others stay."""
        ...

    def clear(self, key: str) -> None:
        """Forget the counter entirely."""
        ...

    def close(self) -> None: ...
