"""Work that outlives a request, as services and faces see it (the rows stay in storage).

A job moves PENDING -> PROCESSING -> COMPLETE | FAILED; a worker holds it through a `Claim`
(the attempt it started), and every change a worker makes is conditional on still holding it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PENDING, PROCESSING, COMPLETE, FAILED = "PENDING", "PROCESSING", "COMPLETE", "FAILED"
FINISHED = frozenset({COMPLETE, FAILED})


@dataclass(frozen=True)
class Claim:
    """A worker's hold on one run of a job: attempt N, leased to `worker`."""

    job_id: str
    kind: str
    attempt: int
    worker: str


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    state: str
    owner_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    stage: str | None = None
    result: dict[str, Any] | None = None
    error: Any = None
    attempts: int = 0
    retries: int = 0  # runs that met an outage, counted apart from interrupted attempts
    lease_owner: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def interrupted_runs(self) -> int:
        return self.attempts - self.retries

    def claim(self) -> Claim:
        """The claim of its current run (for failing a job whose worker is gone)."""
        return Claim(self.id, self.kind, self.attempts, self.lease_owner or "")
