"""Running and reporting jobs: leases kept alive while a job runs, failures that always end.

A job's lease is renewed by a heartbeat thread, not by the job's progress, so a long step with
no progress to report (validating a huge crate, one big commit) never loses its lease; a worker
that dies stops the heartbeat, and the lease runs out.

A run that fails because the database or the blob store is unavailable is not the input's
fault: `retry_after_outage` gives the job back to the queue with an exponential, jittered
delay, keeping its upload, up to `JOB_MAX_RETRIES` times; only then does it fail.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from fairdepot.core.errors import (
    CatalogueError,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from fairdepot.core.jobs import FAILED, Claim, Job
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.records import Access
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work

log = logging.getLogger(__name__)
Orphans = Callable[[Job], list[tuple[str, bool]]]


class LostClaim(Exception):
    """Another worker took this job over; stop without side effects of our own."""


class Lease:
    """Keeps a claimed job's lease alive while the `with` block runs."""

    def __init__(self, runtime: Runtime, claim: Claim) -> None:
        self.runtime = runtime
        self.claim = claim
        self.lost = False
        self._stop = threading.Event()
        self._seconds = runtime.settings.job_lease_seconds
        self._thread = threading.Thread(target=self._beat, daemon=True, name="job-lease")

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def stage(self, stage: str) -> None:
        """Record what the job is doing now (and renew); LostClaim if it is no longer ours."""
        self._renew(stage)
        self.check()

    def check(self) -> None:
        if self.lost:
            raise LostClaim(self.claim.job_id)

    def _renew(self, stage: str | None = None) -> None:
        with unit_of_work(self.runtime) as work:
            ours = work.jobs.renew(self.claim, timedelta(seconds=self._seconds), stage)
        if not ours:
            self.lost = True

    def _beat(self) -> None:
        while not self._stop.wait(self._seconds / 3):
            try:
                self._renew()
            except DependencyUnavailable as exc:  # an outage: try again at the next beat
                log.warning("could not renew the lease of job %s: %s", self.claim.job_id, exc)
            except Exception:
                log.exception("could not renew the lease of job %s", self.claim.job_id)
            if self.lost:
                return


def fail_job(
    runtime: Runtime,
    claim: Claim,
    error: CatalogueError,
    stage: str,
    orphans: Iterable[tuple[str, bool]] = (),
) -> None:
    """End the job as FAILED and queue the blobs it leaves (key, is_prefix) for deletion."""
    detail = {"message": error.message, "problems": [p.as_dict() for p in error.problems]}
    with unit_of_work(runtime) as work:
        if not work.jobs.finish(claim, FAILED, error=detail, stage=stage):
            return
        for key, is_prefix in orphans:
            work.records.delete_blob_later(key, prefix=is_prefix)


def retry_delay(runtime: Runtime, retries_so_far: int) -> float:
    """Exponential backoff with jitter: half the delay is fixed, half is random.

    The jitter spreads the jobs an outage stopped together, so they do not all hit the
    dependency again at the same instant when it comes back.
    """
    settings = runtime.settings
    ceiling = min(
        settings.job_retry_max_seconds, settings.job_retry_base_seconds * 2**retries_so_far
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret


def retry_after_outage(
    runtime: Runtime,
    claim: Claim,
    error: DependencyUnavailable,
    *,
    attempt_blobs: Iterable[tuple[str, bool]] = (),
    orphans: Iterable[tuple[str, bool]] = (),
) -> None:
    """Queue the job again later (its upload kept), or fail it once retries are used up.

    `attempt_blobs` are what this run wrote (deleted either way); `orphans` are what a failed
    job leaves (deleted only if it fails). If even this bookkeeping finds the database down,
    the job's lease runs out and it is claimed again as an interrupted attempt.
    """
    limit = runtime.settings.job_max_retries
    try:
        with read_only(runtime) as work:
            job = work.jobs.get(claim.job_id)
            retries = job.retries if job is not None else 0
        if retries >= limit:
            log.warning("job %s: giving up after %d retries: %s", claim.job_id, retries, error)
            gave_up = CatalogueError(
                f"the {error.dependency} was still unavailable after {retries} retries; "
                "gave up (the upload was discarded)"
            )
            fail_job(runtime, claim, gave_up, stage="failed", orphans=[*attempt_blobs, *orphans])
            return
        delay = retry_delay(runtime, retries)
        stage = (
            f"waiting {delay:.0f} s to retry ({retries + 1} of {limit}): "
            f"the {error.dependency} is unavailable"
        )
        with unit_of_work(runtime) as work:
            if work.jobs.retry_later(claim, timedelta(seconds=delay), stage):
                for key, is_prefix in attempt_blobs:
                    work.records.delete_blob_later(key, prefix=is_prefix)
        log.warning("job %s: %s (%s)", claim.job_id, stage, error.cause)
    except DependencyUnavailable as again:
        log.warning(
            "job %s: could not schedule a retry (%s); its lease will run out", claim.job_id, again
        )


def fail_exhausted_jobs(runtime: Runtime, orphans_by_kind: dict[str, Orphans]) -> int:
    """Jobs interrupted on every allowed attempt end as FAILED with a clear reason."""
    with read_only(runtime) as work:
        stuck = work.jobs.exhausted(runtime.settings.job_max_attempts)
    for job in stuck:
        claim = job.claim()
        orphans = orphans_by_kind.get(job.kind)
        fail_job(
            runtime,
            claim,
            InvalidInput(
                f"the job was interrupted {job.interrupted_runs} times (worker crashes); giving up"
            ),
            stage="interrupted",
            orphans=orphans(job) if orphans else (),
        )
    return len(stuck)


@dataclass(frozen=True)
class JobView:
    job: Job
    owner_email: str | None


def job_access(job: Job) -> Access:
    """A job as the policy sees it: what its record will be (owner, owner group, organization);
    whoever may read that record's files may follow the job."""
    payload = job.payload or {}
    return Access(
        owner_id=job.owner_id,
        owner_group=payload.get("ownerGroup"),
        organization=payload.get("organization"),
    )


def job_status(runtime: Runtime, actor: Actor, job_id: str, kind: str) -> JobView:
    """A job of `kind`, for its owner, members of its owner group, and administrators."""
    with read_only(runtime) as work:
        job = work.jobs.get(job_id)
        if job is None or job.kind != kind:
            raise NotFound(
                "upload request not found" if kind == "crate_ingest" else "job not found"
            )
        if not allows(actor, Action.READ_FILES, job_access(job)):
            raise PermissionDenied("user unauthorized to view this job's status")
        owner = work.accounts.get(job.owner_id) if job.owner_id else None
        return JobView(job, owner.email if owner else None)
