"""Crate ingest: accept an uploaded zip as a job, then turn it into records (in a worker).

Order of side effects, so that a crash at any point leaves no orphan and no dangling reference:
1. the API streams the zip to `uploads/<job>.zip`, then commits the PENDING job row;
2. a worker streams each member to `crates/<job>/<attempt>/<hash of path>` (unique per attempt, so
   a slow worker whose lease was taken over can never clobber or delete the winner's blobs),
   and makes them durable at once (one sync of the store, not one per file);
3. one transaction writes every record (the crate keeps its zip's layout, not the zip), marks the
   job COMPLETE and queues the upload for deletion — or nothing is written;
4. blobs no record references any more (the upload, a failed attempt's, a failed job's) are
   deleted only after the transaction that orphaned them commits, through the blob-deletion
   outbox: a worker that dies before the commit leaves the upload for the retry.

A crate's own `@id`, when it is neither an ARK nor `./` (`core.crates.plan.own_crate_id`), is
stored as the root record's `crate_id` identifier and finds it (`services.catalogue.find`). A
re-upload of that crate by someone who may update its record becomes the record's next
revision, as a re-upload under a kept ARK does; anybody else gets `IdentifierTaken` (409), as
does the owner while the record is in the trash (restore or purge it first).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from fairdepot.core import ark as arks
from fairdepot.core.accounts import User
from fairdepot.core.blobs import WriteOptions
from fairdepot.core.crate_archive import ArchiveLimits, CrateArchive
from fairdepot.core.crates.graph import CrateGraph, parse_metadata
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.crates.plan import CratePlan, own_crate_id, plan_crate
from fairdepot.core.crates.validation import validate_crate
from fairdepot.core.errors import (
    CatalogueError,
    Conflict,
    DependencyUnavailable,
    IdentifierTaken,
    InvalidInput,
    Problem,
)
from fairdepot.core.jobs import COMPLETE, Claim, Job
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import IdentifierScheme, Record, RecordState
from fairdepot.services.accounts import actor_for
from fairdepot.services.crates.records import StoredFile, build_crate_records, first_group
from fairdepot.services.jobs import Lease, LostClaim, fail_job, retry_after_outage
from fairdepot.services.runtime import Runtime, json_limits
from fairdepot.services.uow import read_only, unit_of_work
from fairdepot.storage.db.record_mapping import access_of
from fairdepot.storage.db.records import RecordStore, tombstone

log = logging.getLogger(__name__)
CRATE_INGEST = "crate_ingest"
# one sync for the whole crate after its last file, instead of an fsync per file
MEMBER_WRITE = WriteOptions(durable=False)


def upload_key(job_id: str) -> str:
    return f"uploads/{job_id}.zip"


def attempt_prefix(job_id: str, attempt: int) -> str:
    return f"crates/{job_id}/{attempt}/"


def member_blob_key(prefix: str, path: str) -> str:
    """Where a crate member's bytes go: named by a hash of its path, which the record keeps.

    The user's path cannot be the key: a 300-byte component is longer than a file system
    allows (and S3 keys stop at 1,024 bytes), and odd names are no business of the store.
    """
    return prefix + hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()


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
    runtime: Runtime, owner: User, job_id: str, filename: str, size: int, sha256: str
) -> Job:
    with unit_of_work(runtime) as work:
        job = work.jobs.submit(
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
    runtime.job_submitted.set()
    return job


def crate_orphans(job: Job) -> list[tuple[str, bool]]:
    """Blobs a failed crate job leaves: every attempt's files, and the uploaded zip."""
    return [
        (f"crates/{job.id}/", True),
        (job.payload.get("uploadKey") or upload_key(job.id), False),
    ]


def run_crate_ingest(runtime: Runtime, claim: Claim) -> None:
    with read_only(runtime) as work:
        job = work.jobs.get(claim.job_id)
        owner = work.accounts.get(job.owner_id) if job and job.owner_id else None
    if job is None or owner is None:
        return
    prefix = attempt_prefix(job.id, claim.attempt)
    try:
        with Lease(runtime, claim) as lease:
            _ingest(runtime, claim, lease, job, owner, prefix)
    except LostClaim:
        log.warning(
            "job %s was taken over by another worker; dropping attempt %s",
            claim.job_id,
            claim.attempt,
        )
        with runtime.writing() as store:  # whatever this attempt wrote is nobody's
            store.delete_blob_later(prefix, prefix=True)
    except DependencyUnavailable as exc:  # not the crate's fault: try again later
        retry_after_outage(
            runtime, claim, exc, attempt_blobs=[(prefix, True)], orphans=crate_orphans(job)
        )
    except CatalogueError as exc:
        fail_job(runtime, claim, exc, stage="failed", orphans=crate_orphans(job))
    except Exception as exc:  # a bug: the job must still end, and say so
        log.exception("crate ingest %s failed unexpectedly", claim.job_id)
        fail_job(
            runtime,
            claim,
            InvalidInput(f"internal error while ingesting: {exc!r}"),
            stage="failed",
            orphans=crate_orphans(job),
        )


def _ingest(
    runtime: Runtime, claim: Claim, lease: Lease, job: Job, owner: User, prefix: str
) -> None:
    actor = actor_for(owner, runtime.settings.facility_groups)
    lease.stage("reading archive")
    with (
        runtime.blobs.open_read(job.payload["uploadKey"]) as stream,
        CrateArchive.open(stream, archive_limits(runtime)) as archive,
    ):
        lease.stage("validating metadata")
        crate = parse_metadata(archive.read_metadata(), json_limits(runtime.settings))
        validate_crate(crate)
        plan = plan_crate(
            crate,
            set(archive.members),
            minter(runtime),
            root_ark=crate_id_holder(runtime, crate, actor),
        )
        check_identifiers(runtime, plan, actor)
        lease.stage("storing files")
        stored = _store_files(runtime, archive, prefix, lease)
        layout = archive.layout
    root, members = build_crate_records(
        plan,
        stored,
        owner_id=owner.id,
        owner_group=job.payload.get("ownerGroup"),
        fairscape=crate.is_fairscape,
        archive_layout=layout,
        arrival=CrateParts(source_filename=job.payload.get("filename"), job_id=job.id),
    )
    keep_crate_id(root, crate)
    lease.stage("recording")
    _persist(runtime, claim, root, members, actor, job.payload["uploadKey"])


def minter(runtime: Runtime) -> Callable[[], str]:
    return lambda: str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))


def crate_id_holder(runtime: Runtime, crate: CrateGraph, actor: Actor) -> str | None:
    """The ARK of the record already holding this crate's own `@id`, if the actor may revise it.

    None when no record holds it (or the crate has no such `@id`): the root gets a new ARK.
    Held by a record the actor may not update, or by one in the trash: `IdentifierTaken`.
    Checked again by the unique index when the records are written (a concurrent first upload
    of the same crate gets the 409 there).
    """
    crate_id = own_crate_id(crate)
    if crate_id is None:
        return None
    with runtime.reading() as store:
        row = store.row_by_identifier(IdentifierScheme.CRATE_ID, crate_id)
        if row is None:
            return None
        if identifier_problem(row, actor) is not None:
            raise IdentifierTaken(IdentifierScheme.CRATE_ID, crate_id)
        return row.ark


def keep_crate_id(root: Record, crate: CrateGraph) -> None:
    """Store the crate's own `@id` as an identifier of its root record (see the module doc)."""
    if (crate_id := own_crate_id(crate)) is not None:
        root.identifiers[IdentifierScheme.CRATE_ID] = crate_id


def identifier_problem(row: RecordHandle | None, actor: Actor) -> str | None:
    """Why a crate may not carry the ARK of an existing record (None: it may)."""
    if row is None:
        return None
    if row.state == RecordState.DELETED.value:
        return "this ARK was deleted and can never be reused"
    access = access_of(row)  # its access groups grant no UPDATE: not read
    if not allows(actor, Action.UPDATE, access):
        return "this ARK is held by another owner"
    if row.state == RecordState.TRASHED.value:
        return "this ARK is held by a record in the trash; restore or purge it first"
    return None


def check_identifiers(runtime: Runtime, plan: CratePlan, actor: Actor) -> None:
    """Kept ARKs must be free, or already ours (a re-upload makes new revisions).

    Checked early for a quick, complete error; checked again inside the write transaction.
    """
    kept = [arks.normalise(e.ark) for e in plan.all_entities if not e.minted]
    with runtime.reading() as store:
        rows = {r.ark_key: r for r in store.rows_by_keys(kept)}
    problems = [
        Problem(reason, entity.ark)
        for entity in plan.all_entities
        if not entity.minted
        and (reason := identifier_problem(rows.get(arks.normalise(entity.ark)), actor))
    ]
    if problems:
        raise Conflict("the crate carries identifiers it may not use", problems=problems)


def _store_files(
    runtime: Runtime, archive: CrateArchive, prefix: str, lease: Lease
) -> dict[str, StoredFile]:
    stored: dict[str, StoredFile] = {}
    for path in sorted(archive.members):
        key = member_blob_key(prefix, path)
        writer = runtime.blobs.open_write(key, MEMBER_WRITE)
        try:
            with archive.open_member(path) as member:
                while chunk := member.read(1024 * 1024):
                    writer.write(chunk)
                    lease.check()
            info = writer.commit()
        except BaseException:
            writer.abort()
            raise
        stored[path] = StoredFile(path, key, info.size, info.sha256, info.md5 or "")
    runtime.blobs.sync()  # durable before any record names them: the job's COMPLETE says so
    return stored


def _persist(
    runtime: Runtime,
    claim: Claim,
    root: Record,
    members: list[Record],
    actor: Actor,
    upload: str,
) -> None:
    # A clash with a concurrent writer surfaces as Conflict / PreconditionFailed (the uow).
    with unit_of_work(runtime) as work:
        # Two uploads of one crate at once take turns here: the second sees the first's crate
        # and becomes its next revision, as if uploaded after it, instead of losing a race on
        # the crate's ARK (see storage/db/locks.py).
        work.serialise(f"crate {arks.normalise(root.ark)}")
        write_crate(work.records, root, members, actor)
        result = {
            "rocrateIdentifier": root.ark,
            "identifiersMinted": len(members) + 1,
            "identifiers": [root.ark, *(m.ark for m in members)],
        }
        if not work.jobs.finish(
            claim,
            COMPLETE,
            result=result,
            stage="completed all tasks successfully",
        ):
            raise LostClaim(claim.job_id)
        # the files are the one copy now; the zip goes once this transaction has committed
        work.records.delete_blob_later(upload)
        # other attempts of this job (interrupted workers) left blobs nobody references
        for other in range(1, claim.attempt):
            work.records.delete_blob_later(attempt_prefix(claim.job_id, other), prefix=True)


def write_crate(store: RecordStore, root: Record, members: list[Record], actor: Actor) -> None:
    """Insert (or revise) the crate and its members; members it no longer has are deleted.

    Who holds each ARK is checked again here, inside the transaction that writes: another
    upload may have taken one since the early check.
    """
    root_row = _save(store, root, None, actor)
    kept = {arks.normalise(m.ark) for m in members}
    for old in store.members(root_row):
        if old.ark_key not in kept:
            store.mark_deleted(old, tombstone(old, "removed from its crate by a new upload"))
    existing = {row.ark_key: row for row in store.rows_by_keys(sorted(kept))}
    new = []
    for member in members:
        row = existing.get(arks.normalise(member.ark))
        if row is None:
            new.append(member)
        else:
            _revise(store, row, member, root_row, actor)
    store.insert_many(new, parent=root_row)  # a crate's thousands of members in a few batches


def _save(
    store: RecordStore, record: Record, parent: RecordHandle | None, actor: Actor
) -> RecordHandle:
    row = store.row_by_key(arks.normalise(record.ark))
    if row is None:
        return store.insert(record, parent=parent)
    return _revise(store, row, record, parent, actor)


def _revise(
    store: RecordStore, row: RecordHandle, record: Record, parent: RecordHandle | None, actor: Actor
) -> RecordHandle:
    if reason := identifier_problem(row, actor):
        raise Conflict(
            "the crate carries identifiers it may not use", problems=[Problem(reason, record.ark)]
        )
    changes = RecordChanges.replacing(record, parent_ark=parent.ark if parent is not None else None)
    return store.update(row, changes, actor_id=actor.user_id)
