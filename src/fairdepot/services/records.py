"""Record use cases every face shares: resolve, replace metadata, delete, publish.

Searches and listings are services/search.py.

Each function takes the acting user, asks core.policy, and raises core errors; faces only
translate. Unreadable records are reported as NotFound so that a face never reveals whether
someone else's private record exists.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from anyio import to_thread

from fairdepot.core import ark as arks
from fairdepot.core.errors import (
    AuthenticationRequired,
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    Tombstone,
)
from fairdepot.core.json_input import check_json
from fairdepot.core.policy import Action, Actor, allows, read_scope
from fairdepot.core.record_changes import MetadataChange, RecordChanges
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import (
    Access,
    PublicationStatus,
    Record,
    RecordState,
    check_metadata,
)
from fairdepot.core.relations import MEMBERSHIP, extract_relations
from fairdepot.core.timestamps import as_utc, isoformat_z
from fairdepot.services import file_access
from fairdepot.services.runtime import Runtime, json_limits
from fairdepot.services.scicat.dataset_files import after_publication
from fairdepot.storage.db.record_loading import StoredAccess
from fairdepot.storage.db.records import RecordStore, tombstone
from fairdepot.storage.db.scope import readable

CRATE_KIND = "ROCrate"
"""A crate root's kind: its `/download` is the zip of all its files, even with `?path=`."""


@lru_cache(maxsize=1024)
def parse_ark(text: str) -> str:
    """The normalised key of an ARK (remembered: the resolver asks it on every request);
    InvalidInput if it is not one (never remembered)."""
    try:
        return arks.normalise(text)
    except arks.InvalidArk as exc:
        raise InvalidInput(str(exc)) from exc


def parse_ark_display(text: str) -> str:
    """An ARK in its display form, or InvalidInput saying why it is not one."""
    try:
        return str(arks.parse(text))
    except arks.InvalidArk as exc:
        raise InvalidInput(str(exc)) from exc


def load(store: RecordStore, row: RecordHandle, *, with_files: bool = True) -> Record:
    return store.load([row], with_files=with_files)[0]


def _access(store: RecordStore, row: RecordHandle) -> Access:
    return store.access_of(row)


def find_row(
    store: RecordStore, actor: Actor, ark_text: str, action: Action, *, documents: bool = True
) -> RecordHandle:
    """The record an ARK names, if the actor may do `action` on it (reads a tombstone as Gone).

    A record the actor may not read is "not found", deleted or not, so that neither its
    existence nor its name leaks. `documents=False`: its documents are read only if used.
    """
    return _find(store, actor, ark_text, action, documents=documents)[0]


def _find(
    store: RecordStore, actor: Actor, ark_text: str, action: Action, *, documents: bool = True
) -> tuple[RecordHandle, Access]:
    row = store.row_by_key(parse_ark(ark_text), documents=documents)
    if row is None:
        raise NotFound("identifier not found")
    return row, check_row(store, actor, row, action)


def check_row(store: RecordStore, actor: Actor, row: RecordHandle, action: Action) -> Access:
    """The access of a found record if the actor may do `action` on it, else the error to give.

    Unreadable: NotFound. A tombstone: Gone. In the trash: NotFound to those who may not see
    the trash (who may not delete it); those who may see it read it, and are told to restore
    it before changing it.
    """
    access = _access(store, row)
    if not allows(actor, Action.READ_METADATA, access):
        raise NotFound("identifier not found")
    if row.state == RecordState.DELETED.value:
        stone = row.tombstone or {}
        raise Gone(
            Tombstone(
                row.ark,
                row.kind,
                row.name,
                isoformat_z(row.deleted_at) or "",
                str(stone.get("reason", "deleted")),
            )
        )
    if row.state == RecordState.TRASHED.value:
        if not allows(actor, Action.DELETE, access):
            raise NotFound("identifier not found")
        if action in (Action.UPDATE, Action.PUBLISH):
            raise Conflict(f"{row.ark} is in the trash; restore it first")
    if action is not Action.READ_METADATA and not allows(actor, action, access):
        if actor.is_anonymous:
            raise AuthenticationRequired()
        raise PermissionDenied(f"you may not {action.value.replace('_', ' ')} {row.ark}")
    return access


@dataclass(frozen=True)
class RecordVersion:
    """What decides the bytes of a record's representations for one viewer, known before them.

    `revision` changes with every change of the record. `view` is the viewer's visibility
    class: `metadata` for those who may read the metadata only, or, for those who may also read
    the files, the owner's e-mail, which their views show (and which can change without a new
    revision). `base_url` is the public URL links are rendered with (core.links): the same
    revision served under two names has different bytes. Faces key cached representations and
    ETags by it; it is only ever produced after the access check, so holding one means the
    actor may read the record.
    """

    ark_key: str
    revision: int
    view: str
    base_url: str

    def etag(self, representation: str) -> str:
        """A strong ETag; keeps the `"r<revision>-` prefix that If-Match on PUT reads."""
        digest = _view_digest(self.ark_key, self.view, self.base_url)
        return f'"r{self.revision}-{representation}-{digest}"'


@lru_cache(maxsize=4096)
def _view_digest(ark_key: str, view: str, base_url: str) -> str:
    named = f"{ark_key}\0{view}\0{base_url}"
    return hashlib.sha256(named.encode()).hexdigest()[:12]


def version(runtime: Runtime, actor: Actor, ark_text: str) -> RecordVersion:
    """The version of a record the actor may read (NotFound / Gone as `resolve`), cheaply:
    the record's access from this process's cache if its change stamp shows it unchanged,
    else one statement over its access attributes (nothing of its documents or files)."""
    key = parse_ark(ark_text)
    stored = runtime.accesses.current(key) if runtime.accesses is not None else None
    if stored is None:
        with runtime.reading() as store:
            stored = store.access_by_key(key)
        if stored is not None and runtime.accesses is not None:
            runtime.accesses.put(stored)
    return _version_for(runtime, actor, ark_text, stored)


def cached_version(runtime: Runtime, actor: Actor, ark_text: str) -> RecordVersion | None:
    """`version` if it can be answered without waiting: from the access cache, revalidated by
    a change-stamp probe that may run on the event loop (SQLite). None: call `version` (in a
    thread). Raises as `version` when the cached access denies the actor."""
    accesses = runtime.accesses
    if accesses is None or not accesses.probe.on_event_loop:
        return None
    stored = accesses.current(parse_ark(ark_text))
    if stored is None or not stored.active:  # the trash and tombstones take the full path
        return None
    return _version_for(runtime, actor, ark_text, stored)


async def current_version(runtime: Runtime, actor: Actor, ark_text: str) -> RecordVersion:
    """`version` for an async face: on the event loop when the access cache answers, else
    in a worker thread."""
    found = cached_version(runtime, actor, ark_text)
    if found is not None:
        return found
    return await to_thread.run_sync(version, runtime, actor, ark_text)


def _version_for(
    runtime: Runtime, actor: Actor, ark_text: str, stored: StoredAccess | None
) -> RecordVersion:
    if stored is None or not allows(actor, Action.READ_METADATA, stored.access):
        raise NotFound("identifier not found")
    if not stored.active:  # a tombstone raises Gone; the trash is seen by some only
        with runtime.reading() as store:
            _find(store, actor, ark_text, Action.READ_METADATA)
    view = (
        _files_view(stored.owner_email)
        if allows(actor, Action.READ_FILES, stored.access)
        else "metadata"
    )
    return RecordVersion(stored.ark_key, stored.revision, view, runtime.settings.base_url)


def version_of(runtime: Runtime, record: Record, actor: Actor) -> RecordVersion:
    """The version of a loaded record as `version` gives it (the same actor may read it)."""
    view = (
        _files_view(record.owner_email)
        if allows(actor, Action.READ_FILES, record.access)
        else "metadata"
    )
    return RecordVersion(
        arks.normalise(record.ark), record.revision, view, runtime.settings.base_url
    )


def _files_view(owner_email: str | None) -> str:
    return f"files:{owner_email or ''}"


def resolve(runtime: Runtime, actor: Actor, ark_text: str) -> Record:
    """A record the actor may read, its files those every reader of it may download
    (services/file_access.py: a SciCat dataset's held files go by their blocks' access)."""
    with runtime.reading() as store:
        row = find_row(store, actor, ark_text, Action.READ_METADATA)
        return file_access.for_listing(store, row, load(store, row))


def resolve_files(runtime: Runtime, actor: Actor, ark_text: str, path: str | None = None) -> Record:
    """A record whose files the actor may download (401 anonymous, 403 others), with only
    the files the actor may have (services/file_access.py, the rule every download goes
    through). With `path`, only the file there (none if the record has none) and neither
    document (a download serves bytes), in a bounded number of statements however many
    files the record has; one withheld from the actor is 403. A crate is read whole even
    then: its `/download` is its zip, of every file and its metadata."""
    with runtime.reading() as store:
        row = find_row(store, actor, ark_text, Action.READ_FILES, documents=path is None)
        if path is None or row.kind == CRATE_KIND:
            return file_access.for_reader(store, actor, row, load(store, row))
        found = file_access.file_for_reader(store, actor, row, path)
        record = store.load([row], with_files=False, with_documents=False)[0]
        return replace(record, files=[found] if found else [])


def can(actor: Actor, action: Action, record: Record) -> bool:
    return allows(actor, action, record.access)


def replace_metadata(
    runtime: Runtime,
    actor: Actor,
    ark_text: str,
    metadata: Any,
    expected_revision: int | None = None,
) -> Record:
    """PUT: the body becomes the record's metadata, as a new revision.

    What the server manages is kept whatever the body says: the identifier, the @context and
    @type when the body has none (the FAIRSCAPE docs' own PUT examples send neither), the
    membership in its crate, and the checksums, size and link of bytes we hold.
    """
    if not isinstance(metadata, dict) or not metadata:
        raise InvalidInput("the body must be a JSON object with the new metadata")
    check_json(metadata, json_limits(runtime.settings))
    check_metadata(metadata)
    with runtime.writing() as store:
        row = find_row(store, actor, ark_text, Action.UPDATE)
        given = metadata.get("@id")
        if given is not None and (
            not isinstance(given, str) or arks.identifier_key(given) != row.ark_key
        ):
            raise InvalidInput(f"@id {given!r} does not match {row.ark}; identifiers cannot change")
        if expected_revision is not None and expected_revision != row.revision:
            raise PreconditionFailed(
                f"{row.ark} is at revision {row.revision}, not {expected_revision}"
            )
        old = row.metadata_doc
        new = {**metadata, "@id": row.ark}
        for managed in ("@context", "@type"):
            if managed not in new and managed in old:
                new[managed] = old[managed]
        _keep_server_facts(new, old)
        parent = store.parent_of(row)
        if parent is not None:
            _keep_membership(new, parent)
        changes = RecordChanges.of_metadata(new, extract_relations(new))
        store.update(row, changes, actor_id=actor.user_id)
        return load(store, row)


def _keep_membership(new: dict[str, Any], parent: RecordHandle) -> None:
    refs = new.get("isPartOf")
    refs = refs if isinstance(refs, list) else ([refs] if refs else [])
    if not any(isinstance(r, dict) and r.get("@id") == parent.ark for r in refs):
        refs = [*refs, {"@id": parent.ark, "name": parent.name}]
    new["isPartOf"] = refs


_SERVER_FACTS = ("contentUrl", "sha256", "md5", "contentSize")


def _keep_server_facts(new: dict[str, Any], old: dict[str, Any]) -> None:
    """Checksums, sizes and download links describe bytes we hold: a PUT cannot falsify them."""
    for key in _SERVER_FACTS:
        if key in old:
            new[key] = old[key]


def trashed_with(store: RecordStore, row: RecordHandle) -> list[RecordHandle]:
    """The members of a trashed crate that went to the trash with it (not those before it:
    trash() moves the crate first, so its members' trashed_at are not earlier than its own)."""
    since = as_utc(row.trashed_at)
    if row.state != RecordState.TRASHED.value or since is None:
        return []
    return [
        member
        for member in store.members(row, lifecycle=RecordState.TRASHED)
        if (when := as_utc(member.trashed_at)) is not None and when >= since
    ]


@dataclass
class Deletion:
    deleted: list[str]


def delete(runtime: Runtime, actor: Actor, ark_text: str, *, force: bool) -> Deletion:
    """Delete a record (and, for a crate, its members), leaving tombstones.

    Without `force`, refuse with the list of records that link to it (provenance, membership);
    with `force`, delete anyway: a crate's members go with it, and a member is taken out of its
    crate's hasPart. Files are removed after the transaction commits.
    """
    with runtime.writing() as store:
        row = find_row(store, actor, ark_text, Action.DELETE)
        # Without force, a crate's own members count as dependents (they are part of it), and
        # those trashed with it go with it; with force, every member goes, trashed or not.
        doomed = (
            [row, *store.members(row), *store.members(row, lifecycle=RecordState.TRASHED)]
            if force
            else [row, *trashed_with(store, row)]
        )
        doomed_pks = {r.pk for r in doomed}
        dependents = store.dependents([r.ark_key for r in doomed], doomed_pks)
        if dependents and not force:
            # Dependents the caller may not read are counted, not named.
            visible = [
                (dep, predicate)
                for dep, predicate in dependents
                if allows(actor, Action.READ_METADATA, _access(store, dep))
            ]
            hidden = len(dependents) - len(visible)
            raise Conflict(
                f"{row.ark} has dependents; delete them first or use force=true"
                + (f" ({hidden} of them you cannot see)" if hidden else ""),
                dependents=[
                    {"@id": dep.ark, "name": dep.name or "", "relation": predicate}
                    for dep, predicate in visible
                ],
            )
        for member in doomed:
            store.mark_deleted(member, tombstone(member, "deleted by its owner"))
        for parent_row in {dep.pk: dep for dep, p in dependents if p in MEMBERSHIP}.values():
            # Only crates the caller may change lose the entry; others keep a link to a tombstone.
            if allows(actor, Action.UPDATE, _access(store, parent_row)):
                _drop_from_parts(store, parent_row, {r.ark_key for r in doomed}, actor)
        return Deletion([r.ark for r in doomed])


def _drop_from_parts(
    store: RecordStore, parent: RecordHandle, gone: set[str], actor: Actor
) -> None:
    parts = parent.metadata_doc.get("hasPart")
    if not isinstance(parts, list):
        return
    kept = [
        p
        for p in parts
        if not (
            isinstance(p, dict)
            and isinstance(p.get("@id"), str)
            and arks.identifier_key(p["@id"]) in gone
        )
    ]
    if len(kept) == len(parts):
        return
    document = {**parent.metadata_doc, "hasPart": kept}
    changes = RecordChanges(
        metadata=metadata_keeping_summary(parent, document),
        relations=tuple(extract_relations(document)),
    )
    store.update(parent, changes, actor_id=actor.user_id)


def metadata_keeping_summary(row: RecordHandle, document: dict[str, Any]) -> MetadataChange:
    """New metadata for a stored record whose name, description, keywords and types stay
    (an edit of its links, not of what it says it is)."""
    return MetadataChange(
        document, row.name, row.description, tuple(row.keywords or ()), tuple(row.types or ())
    )


def set_publication(
    runtime: Runtime, actor: Actor, ark_text: str, status: PublicationStatus
) -> list[str]:
    """Publish (or embargo, archive, draft) a record; a crate's members follow it.

    A SciCat dataset's blocks follow it too where the actor may publish them; its JSON-LD
    `hasPart` is then decided anew in the same transaction, since which blocks every reader
    of the dataset may read changed (a block the actor could not publish stays unpublished,
    and its file names must leave a dataset that is now public). So is it when one of its
    blocks is published or unpublished by its own ARK."""
    with runtime.writing() as store:
        row = find_row(store, actor, ark_text, Action.PUBLISH)
        changed = []
        for target in [row, *store.members(row)]:
            if not allows(actor, Action.PUBLISH, _access(store, target)):
                continue  # a member someone else owns keeps its own status
            store.update(target, RecordChanges(publication=status), actor_id=actor.user_id)
            changed.append(target.ark)
        dataset = row if file_access.is_scicat_dataset(row) else store.parent_of(row)
        if dataset is not None and file_access.is_scicat_dataset(dataset):  # or one of its blocks
            after_publication(store, dataset, actor)
        return changed


def members(runtime: Runtime, actor: Actor, crate: Record) -> list[Record]:
    with runtime.reading() as store:
        row = store.row_by_key(arks.normalise(crate.ark))
        if row is None:
            return []
        readable_members = store.members(row, where=readable(read_scope(actor)))
        return store.load(readable_members)
