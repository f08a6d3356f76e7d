"""Evidence graphs: the provenance that led to a record, gathered into one record of its own.

Starting from a record, follow what generated it (`generatedBy`, `prov:wasGeneratedBy`, or a
computation whose `generated` names it) and what those computations used (datasets, software,
models), recursively. The result is stored as an `EvidenceGraph` record with its own ARK; it is
built in a job, like ingest, because a deep provenance chain can be large.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.accounts import User
from fairdepot.core.errors import (
    CatalogueError,
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from fairdepot.core.jobs import COMPLETE, Claim, Job
from fairdepot.core.json_input import check_json
from fairdepot.core.metadata.contexts import CANONICAL_CONTEXT
from fairdepot.core.policy import ANONYMOUS, Action, Actor, allows
from fairdepot.core.record_changes import MetadataChange, RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Face, PublicationStatus, Record, RecordState, summarise
from fairdepot.core.relations import extract_relations
from fairdepot.services import accounts
from fairdepot.services.crates.ingest import minter
from fairdepot.services.crates.records import fairscape_access, fairscape_owner_group, first_group
from fairdepot.services.jobs import Lease, LostClaim, fail_job, retry_after_outage
from fairdepot.services.records import (
    find_row,
    load,
    metadata_keeping_summary,
)
from fairdepot.services.runtime import Runtime, json_limits
from fairdepot.services.uow import read_only, unit_of_work
from fairdepot.storage.db.records import RecordStore

EVIDENCE_GRAPH_BUILD = "evidence_graph"
GRAPH_SCHEME = "evidence-graph-of"
GENERATED_BY = ("generatedBy", "prov:wasGeneratedBy", "wasGeneratedBy")
USED = (
    "usedDataset",
    "usedSoftware",
    "usedMLModel",
    "prov:used",
    "usedSample",
    "usedInstrument",
    "usedContainer",
)
MAX_NODES = 10_000
_KEEP = ("@id", "@type", "name", "description", *GENERATED_BY, *USED, "generated")


def submit_build(runtime: Runtime, user: User, ark_text: str) -> Job:
    actor = accounts.actor_for(user, runtime.settings.facility_groups)
    with runtime.reading() as store:
        row = find_row(store, actor, ark_text, Action.READ_METADATA)
    with unit_of_work(runtime) as work:
        job = work.jobs.submit(
            EVIDENCE_GRAPH_BUILD,
            user.id,
            {"ark": row.ark, "naan": arks.parse(row.ark).naan, "postfix": arks.parse(row.ark).name},
        )
    runtime.job_submitted.set()
    return job


def run_build(runtime: Runtime, claim: Claim) -> None:
    try:
        with read_only(runtime) as work:
            job = work.jobs.get(claim.job_id)
            user = work.accounts.get(job.owner_id) if job and job.owner_id else None
        if job is None or user is None:
            raise InvalidInput("the job or its owner no longer exists")
        actor = accounts.actor_for(user, runtime.settings.facility_groups)
        with Lease(runtime, claim) as lease:
            for attempt in (1, 2):
                # Builds of one graph take turns (see _build_and_finish); a second try is for
                # a record changed meanwhile by something else (a PUT of the record itself).
                try:
                    _build_and_finish(runtime, claim, lease, actor, user, job.payload["ark"])
                    break
                except (Conflict, PreconditionFailed):
                    if attempt == 2:
                        raise
    except LostClaim:
        return  # the worker that took the build over finishes it
    except DependencyUnavailable as exc:
        retry_after_outage(runtime, claim, exc)
    except CatalogueError as exc:
        fail_job(runtime, claim, exc, stage="failed")
    except Exception as exc:
        fail_job(
            runtime, claim, InvalidInput(f"internal error while building: {exc!r}"), stage="failed"
        )


def _build_and_finish(
    runtime: Runtime, claim: Claim, lease: Lease, actor: Actor, user: User, start: str
) -> None:
    with unit_of_work(runtime) as work:
        # Builds of one record's graphs (by any user: each also marks the record) take turns,
        # so N simultaneous builds all succeed instead of N-1 losing a race to the first.
        work.serialise(f"evidence-graph-of {start}")
        graph_ark = _build(work.records, actor, user, start, runtime)
        lease.check()
        if not work.jobs.finish(
            claim,
            COMPLETE,
            result={"evidence_graph_id": graph_ark},
            stage="built",
        ):
            raise LostClaim(claim.job_id)


def _build(store: RecordStore, actor: Actor, user: User, start: str, runtime: Runtime) -> str:
    """Build (or rebuild in place) this user's evidence graph of one record."""
    root = find_row(store, actor, start, Action.READ_METADATA)
    nodes, all_public = collect(store, actor, root)
    key = f"{root.ark_key} {user.id}"  # one graph per record and builder: never someone else's
    existing = store.row_by_identifier(GRAPH_SCHEME, key)
    if existing is not None and existing.state != RecordState.ACTIVE.value:
        store.remove_identifier(GRAPH_SCHEME, key)  # its ARK stays a tombstone; mint anew
        existing = None
    graph_ark = existing.ark if existing is not None else minter(runtime)()
    metadata = {
        "@context": CANONICAL_CONTEXT,
        "@id": graph_ark,
        "@type": "evi:EvidenceGraph",
        "name": f"Evidence graph of {root.name or root.ark}",
        "description": f"Provenance of {root.ark}: what generated it and what that used.",
        "outputs": [{"@id": root.ark}],
        "@graph": nodes,
    }
    record = _graph_record(graph_ark, metadata, user, PublicationStatus.DRAFT)
    # The graph repeats its nodes' metadata: it is public only if all of them are.
    record.access.metadata_public = all_public
    if existing is None:
        row = store.insert(record)
        store.add_identifier(row, GRAPH_SCHEME, key)
    else:
        changes = RecordChanges(
            metadata=MetadataChange.from_record(record),
            relations=tuple(record.relations),
            access=record.access,
        )
        store.update(existing, changes, actor_id=user.id)
    if allows(actor, Action.UPDATE, load(store, root, with_files=False).access) and (
        root.metadata_doc.get("hasEvidenceGraph") != {"@id": graph_ark}
    ):
        document = {**root.metadata_doc, "hasEvidenceGraph": {"@id": graph_ark}}
        changes = RecordChanges(
            metadata=metadata_keeping_summary(root, document),
            relations=tuple(extract_relations(document)),
        )
        store.update(root, changes, actor_id=user.id)
    return graph_ark


def collect(
    store: RecordStore, actor: Actor, start: RecordHandle
) -> tuple[list[dict[str, Any]], bool]:
    """Breadth-first over provenance links, only through records the actor may read.

    Returns the nodes and whether every one of them is readable by anyone.
    """
    seen: dict[str, dict[str, Any]] = {}
    all_public = True
    queue: deque[RecordHandle] = deque([start])
    while queue and len(seen) < MAX_NODES:
        row = queue.popleft()
        if row.ark_key in seen:
            continue
        meta = row.metadata_doc
        seen[row.ark_key] = {k: v for k, v in meta.items() if k in _KEEP} | {"@id": row.ark}
        all_public &= allows(
            ANONYMOUS, Action.READ_METADATA, load(store, row, with_files=False).access
        )
        upstream = _refs(meta, GENERATED_BY) + _refs(meta, USED)
        upstream += [r.ark_key for r in _generators_of(store, row)]
        for neighbour in store.rows_by_keys([k for k in upstream if k not in seen]):
            if neighbour.state == RecordState.ACTIVE.value and allows(
                actor, Action.READ_METADATA, load(store, neighbour, with_files=False).access
            ):
                queue.append(neighbour)
    return list(seen.values()), all_public


def _refs(metadata: dict[str, Any], properties: tuple[str, ...]) -> list[str]:
    keys = []
    for prop in properties:
        value = metadata.get(prop)
        for item in value if isinstance(value, list) else [value]:
            ref = item.get("@id") if isinstance(item, dict) else item
            if isinstance(ref, str):
                keys.append(arks.identifier_key(ref))
    return keys


def _generators_of(store: RecordStore, row: RecordHandle) -> list[RecordHandle]:
    return store.sources_of(row.ark_key, ["generated", "prov:generated"])


def register_graph(runtime: Runtime, user: User, body: Any) -> Record:
    """POST /evidencegraph: store a client-made evidence graph under its ARK (or a new one)."""
    fairscape_owner_group(accounts.actor_for(user, runtime.settings.facility_groups), user.groups)
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise InvalidInput("the body needs at least a name (and usually @id and @graph)")
    check_json(body, json_limits(runtime.settings))
    given = body.get("@id")
    try:
        kept = arks.submitted_ark(given, refuse_malformed=True)
    except arks.InvalidArk as exc:
        raise InvalidInput(str(exc)) from exc
    graph_ark = kept or minter(runtime)()
    metadata = {
        "@context": CANONICAL_CONTEXT,
        **body,
        "@id": graph_ark,
        "@type": "evi:EvidenceGraph",
    }
    record = _graph_record(graph_ark, metadata, user, PublicationStatus.PUBLISHED)
    with runtime.writing() as store:
        if store.row_by_key(arks.normalise(graph_ark)) is not None:
            raise Conflict(f"identifier already exists: {graph_ark}")
        store.insert(record)
    return record


def _graph_record(
    graph_ark: str, metadata: dict[str, Any], user: User, publication: PublicationStatus
) -> Record:
    summary = summarise(metadata)
    return Record(
        ark=graph_ark,
        kind="EvidenceGraph",
        face=Face.FAIRSCAPE,
        metadata=metadata,
        access=fairscape_access(user.id, first_group(user.groups), publication),
        types=["evi:EvidenceGraph"],
        name=summary.name,
        description=summary.description,
        relations=extract_relations(metadata),
    )


def require_graph(record: Record) -> Record:
    if record.kind != "EvidenceGraph":
        raise NotFound(f"{record.ark} is not an evidence graph")
    return record
