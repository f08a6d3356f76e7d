"""Crate ingest: accept an uploaded zip as a job, then turn it into records (in a worker).

Order of side effects, so that a crash at any point leaves no orphan and no dangling reference:
1. the API streams the zip to `uploads/<job>.zip`, then commits the PENDING job row;
2. a worker streams each member to `crates/<job>/<attempt>/<path>` (keys unique per attempt, so
   a slow worker whose lease was taken over can never clobber or delete the winner's blobs);
3. one transaction writes every record and marks the job COMPLETE — or nothing is written;
4. blobs no record references any more (a failed attempt's, a failed job's) are deleted only
   after the transaction that orphaned them commits, through the blob-deletion outbox.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from fairdepot.core import ark as arks
from fairdepot.core.crate_archive import ArchiveLimits, CrateArchive
from fairdepot.core.crates.graph import parse_metadata
from fairdepot.core.crates.plan import CratePlan, plan_crate
from fairdepot.core.crates.validation import validate_crate
from fairdepot.core.errors import CatalogueError, Conflict, InvalidInput, Problem
from fairdepot.core.records import Record, RecordState
from fairdepot.services.crate_records import StoredFile, build_crate_records, first_group
from fairdepot.services.runtime import Runtime
from fairdepot.storage.db import jobs
from fairdepot.storage.db.models import JobRow, UserRow
from fairdepot.storage.db.records import RecordStore

log = logging.getLogger(__name__)
CRATE_INGEST = "crate_ingest"
_RENEW_EVERY = 5.0


def upload_key(job_id: str) -> str:
    return f"uploads/{job_id}.zip"


def attempt_prefix(job_id: str, attempt: int) -> str:
    return f"crates/{job_id}/{attempt}/"


def archive_limits(runtime: Runtime) -> ArchiveLimits:
    s = runtime.settings
    return ArchiveLimits(
        max_entries=s.zip_max_entries,
        max_total_uncompressed=s.zip_max_total_bytes,
        max_member_size=s.zip_max_member_bytes,
        max_ratio=s.zip_max_ratio,
        max_metadata_bytes=s.zip_max_metadata_bytes,
    )


def check_archive(runtime: Runtime, key: str) -> None:
    """Reject a structurally unsafe or non-zip upload at once, before any job exists."""
    with runtime.blobs.open_read(key) as stream, CrateArchive.open(stream, archive_limits(runtime)):
        pass


def submit_crate(
    runtime: Runtime, owner: UserRow, job_id: str, filename: str, size: int, sha256: str
) -> JobRow:
    with runtime.write_sessions() as session:
        row = jobs.submit(
            session,
            CRATE_INGEST,
            owner.id,
            {
                "uploadKey": upload_key(job_id),
                "filename": filename,
                "size": size,
                "sha256": sha256,
                "ownerGroup": first_group(owner.groups),
            },
            job_id=job_id,
        )
        session.commit()
    runtime.job_submitted.set()
    return row


class LostClaim(Exception):
    """Another worker took this job over (our lease expired); stop without side effects."""


@dataclass
class _Context:
    runtime: Runtime
    claim: jobs.Claim
    last_renewal: float = 0.0

    def stage(self, stage: str | None = None, *, force: bool = False) -> None:
        """Record progress and renew the lease (well before it can expire)."""
        every = min(_RENEW_EVERY, self.runtime.settings.job_lease_seconds / 3)
        if not force and time.monotonic() - self.last_renewal < every:
            return
        with self.runtime.write_sessions() as session:
            ok = jobs.renew(
                session,
                self.claim,
                timedelta(seconds=self.runtime.settings.job_lease_seconds),
                stage,
            )
            session.commit()
        if not ok:
            raise LostClaim(self.claim.job_id)
        self.last_renewal = time.monotonic()


def run_crate_ingest(runtime: Runtime, claim: jobs.Claim) -> None:
    ctx = _Context(runtime, claim)
    with runtime.read_sessions() as session:
        job = session.get(JobRow, claim.job_id)
        owner = session.get(UserRow, job.owner_id) if job and job.owner_id else None
    if job is None or owner is None:
        return
    prefix = attempt_prefix(job.id, claim.attempt)
    try:
        ctx.stage("reading archive", force=True)
        with (
            runtime.blobs.open_read(job.payload["uploadKey"]) as stream,
            CrateArchive.open(stream, archive_limits(runtime)) as archive,
        ):
            ctx.stage("validating metadata", force=True)
            crate = parse_metadata(archive.read_metadata())
            validate_crate(crate)
            plan = plan_crate(crate, set(archive.members), minter(runtime))
            check_identifiers(runtime, plan, owner)
            ctx.stage("storing files", force=True)
            stored = _store_files(runtime, archive, prefix, ctx)
        root, members = build_crate_records(
            plan,
            stored,
            owner_id=owner.id,
            owner_group=job.payload.get("ownerGroup"),
            base_url=runtime.settings.base_url,
            fairscape=crate.is_fairscape,
            archive_key=job.payload["uploadKey"],
            extra={"sourceFilename": job.payload.get("filename"), "jobId": job.id},
        )
        ctx.stage("recording", force=True)
        _persist(runtime, claim, root, members, owner)
    except LostClaim:
        log.warning(
            "job %s was taken over by another worker; dropping attempt %s",
            claim.job_id,
            claim.attempt,
        )
    except CatalogueError as exc:
        fail_job(runtime, claim, exc, stage="failed")
    except Exception as exc:  # a bug or an outage: the job must still end, and say so
        log.exception("crate ingest %s failed unexpectedly", claim.job_id)
        fail_job(
            runtime, claim, InvalidInput(f"internal error while ingesting: {exc!r}"), stage="failed"
        )


def minter(runtime: Runtime) -> Callable[[], str]:
    return lambda: str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))


def check_identifiers(runtime: Runtime, plan: CratePlan, owner: UserRow) -> None:
    """Kept ARKs must be free, or already ours (a re-upload makes new revisions)."""
    problems = []
    with runtime.reading() as store:
        rows = {
            r.ark_key: r
            for r in store.rows_by_keys(
                [arks.normalise(e.ark) for e in plan.all_entities if not e.minted]
            )
        }
    for entity in plan.all_entities:
        row = rows.get(arks.normalise(entity.ark))
        if row is None or entity.minted:
            continue
        if row.state == RecordState.DELETED.value:
            problems.append(Problem("this ARK was deleted and can never be reused", entity.ark))
        elif row.owner_id != owner.id:
            problems.append(Problem("this ARK is held by another owner", entity.ark))
    if problems:
        raise Conflict("the crate carries identifiers it may not use", problems=problems)


def _store_files(
    runtime: Runtime, archive: CrateArchive, prefix: str, ctx: _Context
) -> dict[str, StoredFile]:
    stored: dict[str, StoredFile] = {}
    for path in sorted(archive.members):
        key = prefix + path
        writer = runtime.blobs.open_write(key)
        try:
            with archive.open_member(path) as member:
                while chunk := member.read(1024 * 1024):
                    writer.write(chunk)
                    ctx.stage()
        except BaseException:
            writer.abort()
            raise
        info = writer.commit()
        stored[path] = StoredFile(path, key, info.size, info.sha256, info.md5)
    return stored


def _persist(
    runtime: Runtime, claim: jobs.Claim, root: Record, members: list[Record], owner: UserRow
) -> None:
    # A clash with a concurrent writer surfaces as Conflict / PreconditionFailed (writing()).
    with runtime.writing() as store:
        write_crate(store, root, members, owner)
        result = {
            "rocrateIdentifier": root.ark,
            "identifiersMinted": len(members) + 1,
            "identifiers": [root.ark, *(m.ark for m in members)],
        }
        if not jobs.finish(
            store.session,
            claim,
            jobs.COMPLETE,
            result=result,
            stage="completed all tasks successfully",
        ):
            raise LostClaim(claim.job_id)
        # other attempts of this job (interrupted workers) left blobs nobody references
        for other in range(1, claim.attempt):
            store.delete_blob_later(attempt_prefix(claim.job_id, other), prefix=True)


def write_crate(store: RecordStore, root: Record, members: list[Record], owner: UserRow) -> None:
    """Insert (or revise) the crate and its members; members it no longer has are deleted."""
    root_row = _save(store, root, None, owner)
    kept = {arks.normalise(m.ark) for m in members}
    for old in store.members(root_row):
        if old.ark_key not in kept:
            store.mark_deleted(old, tombstone(old, "removed from its crate by a new upload"))
    for member in members:
        _save(store, member, root_row, owner)


def _save(store: RecordStore, record: Record, parent: Any, owner: UserRow) -> Any:
    row = store.row_by_key(arks.normalise(record.ark))
    if row is None:
        return store.insert(record, parent=parent)
    return store.update(row, record, actor_id=owner.id, parent=parent, keep_parent=False)


def fail_job(runtime: Runtime, claim: jobs.Claim, error: CatalogueError, stage: str) -> None:
    """End the job as FAILED and queue every blob it wrote (and the upload) for deletion."""
    detail = {"message": error.message, "problems": [p.as_dict() for p in error.problems]}
    with runtime.writing() as store:
        job = store.session.get(JobRow, claim.job_id)
        if not jobs.finish(store.session, claim, jobs.FAILED, error=detail, stage=stage):
            return
        store.delete_blob_later(f"crates/{claim.job_id}/", prefix=True)
        if job is not None and job.payload.get("uploadKey"):
            store.delete_blob_later(job.payload["uploadKey"])


def fail_exhausted_jobs(runtime: Runtime) -> int:
    """Jobs interrupted on every allowed attempt end as FAILED with a clear reason."""
    with runtime.read_sessions() as session:
        stuck = jobs.exhausted(session, runtime.settings.job_max_attempts)
    for job in stuck:
        claim = jobs.Claim(job.id, job.kind, job.attempts, job.lease_owner or "")
        fail_job(
            runtime,
            claim,
            InvalidInput(
                f"the job was interrupted {job.attempts} times (worker crashes); giving up"
            ),
            stage="interrupted",
        )
    return len(stuck)


def tombstone(row: Any, reason: str) -> dict[str, Any]:
    return {"ark": row.ark, "kind": row.kind, "name": row.name, "reason": reason}


def job_counts(runtime: Runtime) -> dict[str, int]:
    with runtime.read_sessions() as session:
        rows = session.execute(sa.select(JobRow.state, sa.func.count()).group_by(JobRow.state))
        return {state: count for state, count in rows}
