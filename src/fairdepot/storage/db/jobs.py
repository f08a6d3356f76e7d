"""A job queue in the metadata database: rows with a state machine and a lease.

Workers claim a job by taking a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so many workers
on many machines never take the same job; SQLite has a single writer, so a conditional UPDATE is
enough). A worker that dies stops renewing its lease; when the lease expires the job is claimed
again, and after `max_attempts` interrupted runs it fails for good with a clear error. A run
that found the database or the blob store unavailable puts the job back as PENDING with a
`not_before` time (backoff) and counts it in `retries`, not as an interrupted attempt. Running
jobs in the database keeps the embedded shape free of any broker and makes submitting a job part
of the same transaction as the row that asked for it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.jobs import COMPLETE, FAILED, PENDING, PROCESSING, Claim, Job
from fairdepot.storage.db.models import JobRow, utcnow

__all__ = ["COMPLETE", "FAILED", "PENDING", "PROCESSING", "Claim", "JobRepository"]


def submit(
    session: Session,
    kind: str,
    owner_id: str | None,
    payload: dict[str, Any],
    job_id: str | None = None,
) -> JobRow:
    row = JobRow(
        id=job_id or str(uuid.uuid4()),
        kind=kind,
        state=PENDING,
        owner_id=owner_id,
        payload=payload,
        attempts=0,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def claim_next(session: Session, worker: str, lease: timedelta, max_attempts: int) -> Claim | None:
    """Take the oldest claimable job (pending, or interrupted with attempts left)."""
    now = utcnow()
    claimable = sa.or_(
        sa.and_(
            JobRow.state == PENDING,
            sa.or_(JobRow.not_before.is_(None), JobRow.not_before <= now),
        ),
        sa.and_(
            JobRow.state == PROCESSING,
            JobRow.lease_expires_at < now,
            _interrupted_runs() < max_attempts,
        ),
    )
    query = sa.select(JobRow).where(claimable).order_by(JobRow.created_at).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.scalar(query)
    if row is None:
        return None
    result = session.execute(
        sa.update(JobRow)
        .where(JobRow.id == row.id, claimable)
        .values(
            state=PROCESSING,
            lease_owner=worker,
            lease_expires_at=now + lease,
            attempts=JobRow.attempts + 1,
            started_at=sa.func.coalesce(JobRow.started_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    session.refresh(row)
    return Claim(row.id, row.kind, row.attempts, worker)


def renew(session: Session, claim: Claim, lease: timedelta, stage: str | None = None) -> bool:
    """Extend the lease; False if the job is no longer ours (it was reclaimed)."""
    values: dict[str, Any] = {"lease_expires_at": utcnow() + lease}
    if stage is not None:
        values["stage"] = stage
    result = session.execute(
        sa.update(JobRow)
        .where(_still_ours(claim))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _interrupted_runs() -> sa.ColumnElement[int]:
    """Runs that ended without an outcome (crashes), not retries after an outage."""
    return JobRow.attempts - JobRow.retries


def retry_later(session: Session, claim: Claim, delay: timedelta, stage: str) -> bool:
    """Give our claimed job back to the queue, not to be claimed again for `delay`.

    Conditional on still holding the claim, like `finish`; False if the job is not ours.
    """
    outcome = session.execute(
        sa.update(JobRow)
        .where(_still_ours(claim))
        .values(
            state=PENDING,
            stage=stage[:200],
            retries=JobRow.retries + 1,
            not_before=utcnow() + delay,
            lease_owner=None,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return outcome.rowcount == 1


def _still_ours(claim: Claim) -> sa.ColumnElement[bool]:
    """The job is still in the run this claim started (not reclaimed by another worker)."""
    return sa.and_(
        JobRow.id == claim.job_id,
        JobRow.state == PROCESSING,
        JobRow.lease_owner == claim.worker,
        JobRow.attempts == claim.attempt,
    )


def finish(
    session: Session,
    claim: Claim,
    state: str,
    *,
    result: dict[str, Any] | None = None,
    error: Any = None,
    stage: str | None = None,
) -> bool:
    """Move our claimed job to COMPLETE or FAILED, inside the caller's transaction.

    Conditional on still holding the claim, so a worker whose lease was taken over cannot
    overwrite the outcome of the worker that took it.
    """
    outcome = session.execute(
        sa.update(JobRow)
        .where(_still_ours(claim))
        .values(
            state=state,
            result=result,
            error=error,
            stage=stage,
            finished_at=utcnow(),
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return outcome.rowcount == 1


def get(session: Session, job_id: str) -> JobRow | None:
    return session.get(JobRow, job_id)


def exhausted(session: Session, max_attempts: int) -> list[JobRow]:
    """Jobs whose lease expired after their last allowed attempt: to be failed cleanly."""
    now = utcnow()
    return list(
        session.scalars(
            sa.select(JobRow).where(
                JobRow.state == PROCESSING,
                JobRow.lease_expires_at < now,
                _interrupted_runs() >= max_attempts,
            )
        )
    )


def to_job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        state=row.state,
        owner_id=row.owner_id,
        payload=dict(row.payload or {}),
        stage=row.stage,
        result=row.result,
        error=row.error,
        attempts=row.attempts or 0,
        retries=row.retries or 0,
        lease_owner=row.lease_owner,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


class JobRepository:
    """The job queue over one session, in `core.jobs` types; every change is conditional on
    the caller's claim, so a worker whose lease was taken over changes nothing."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def submit(
        self, kind: str, owner_id: str | None, payload: dict[str, Any], job_id: str | None = None
    ) -> Job:
        return to_job(submit(self.session, kind, owner_id, payload, job_id))

    def get(self, job_id: str) -> Job | None:
        if "\x00" in job_id:  # PostgreSQL text cannot hold it: no job has such an id
            return None
        row = get(self.session, job_id)
        return to_job(row) if row is not None else None

    def claim_next(self, worker: str, lease: timedelta, max_attempts: int) -> Claim | None:
        return claim_next(self.session, worker, lease, max_attempts)

    def renew(self, claim: Claim, lease: timedelta, stage: str | None = None) -> bool:
        return renew(self.session, claim, lease, stage)

    def retry_later(self, claim: Claim, delay: timedelta, stage: str) -> bool:
        return retry_later(self.session, claim, delay, stage)

    def finish(
        self,
        claim: Claim,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        error: Any = None,
        stage: str | None = None,
    ) -> bool:
        return finish(self.session, claim, state, result=result, error=error, stage=stage)

    def exhausted(self, max_attempts: int) -> list[Job]:
        return [to_job(row) for row in exhausted(self.session, max_attempts)]
