"""The one rule for "this pid names an active dataset the caller may act on", for every route
that names a dataset: its own routes, its blocks' and attachments', PublishedData's.

SciCat looks a dataset up first, whoever asks, then decides: 404 `dataset: <pid> not found`
when no active dataset holds the pid (trashed ones included), 403 when one does and the
policy refuses the action, and 403 for any change of a FAIRSCAPE crate (one catalogue,
services/scicat/reverse.py: read only here). Only the 403's words differ per family of routes
(the backend's controllers word them differently, and tests/api/scicat pins each): `Answers`.

Each form reads the dataset once: `dataset` loads the record (the access check reads the
access groups it loads anyway), so the caller renders or changes that record without loading
it again; `dataset_row` reads only the access groups, for callers that need no more; and
`dataset_rows` checks a list of pids in two statements, however long the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS
from fairdepot.core.crosswalks.scicat_reverse import READ_ONLY
from fairdepot.core.errors import NotFound, PermissionDenied
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Access, Face, IdentifierScheme, Record, RecordState
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.reverse import crate_row, is_crate
from fairdepot.storage.db.records import RecordStore

PID_SCHEME = IdentifierScheme.SCICAT_PID.value
FORBIDDEN = "Forbidden resource"
"""The backend's words for a refusal of its guards (anonymous writes)."""
UNAUTHORIZED = "Unauthorized access"
"""Its words for a dataset a logged-in caller may not read or change."""
LOG_IN = "Forbidden resource: log in to do this"
"""The child routes' words for an anonymous write."""


@dataclass(frozen=True)
class Answers:
    """How one family of routes answers a pid it may not act on."""

    refused: Callable[[Actor, str], str]
    """The 403 message for `actor`, refused the existing dataset `pid`."""
    anonymous_write: str | None = None
    """If set, an anonymous caller asking for more than READ_METADATA is refused with it before
    the pid is looked up (the backend's guard runs first)."""
    crates: bool = True
    """Whether a FAIRSCAPE crate's ARK names a dataset for these routes."""


def _dataset_refusal(actor: Actor, _pid: str) -> str:
    return FORBIDDEN if actor.is_anonymous else UNAUTHORIZED


def _child_refusal(_actor: Actor, _pid: str) -> str:
    return UNAUTHORIZED  # anonymous readers too: the backend's guard lets them this far


def _published_data_refusal(_actor: Actor, pid: str) -> str:
    return f"Unauthorized access to dataset {pid}"


DATASET_ROUTES = Answers(_dataset_refusal, anonymous_write=FORBIDDEN)
"""`/datasets/{pid}` and its sub-routes (the backend's DatasetsController)."""
CHILD_ROUTES = Answers(_child_refusal, anonymous_write=LOG_IN)
"""The routes of a dataset's origdatablocks and attachments (checkPermissionsForDatasetExtended)."""
PUBLISHED_DATA_ROUTES = Answers(_published_data_refusal, crates=False)
"""The datasets a PublishedData names (`pidArray`, `datasetPids`): SciCat datasets only."""


def dataset_by_pid(
    store: RecordStore, pid: str, *, crates: bool = False, documents: bool = True
) -> RecordHandle | None:
    """The record a SciCat dataset pid names, in any state, whoever may read it: the SciCat
    dataset with that pid or, with `crates`, the FAIRSCAPE crate whose ARK it is. None:
    neither. Callers that decide access use `dataset`, `dataset_row` or `dataset_rows`.
    `documents=False`: its documents are read only if used (a held file's download reads
    none)."""
    row = store.row_by_identifier(PID_SCHEME, pid, documents=documents)
    if row is not None and row.face == Face.SCICAT.value and row.kind in DATASET_KINDS:
        return row
    return crate_row(store, pid) if crates else None


def manages_lifecycles(runtime: Runtime, actor: Actor) -> bool:
    """Whether the actor is in UPDATE_DATASET_LIFECYCLE_GROUPS: an archive system's account,
    which reads every dataset by pid and changes every dataset's lifecycle (nothing else),
    as the backend's DatasetLifecycleUpdateAny."""
    listed = frozenset(runtime.settings.update_dataset_lifecycle_groups)
    return not actor.is_anonymous and bool(actor.groups & listed)


def dataset(
    store: RecordStore,
    actor: Actor,
    pid: str,
    action: Action,
    answers: Answers,
    *,
    any_dataset: bool = False,
    with_files: bool = False,
) -> tuple[RecordHandle, Record]:
    """The active dataset `pid` names and its record, loaded once, if the actor may do
    `action` on it. A crate is loaded with its files (its SciCat `size` is theirs).
    `any_dataset`: the caller may do `action` on every SciCat dataset (a lifecycle manager),
    so only a crate is checked."""
    row = _active(store, actor, pid, action, answers)
    record = store.load([row], with_files=with_files or is_crate(row))[0]
    if not (any_dataset and not is_crate(row)):
        _check(actor, row, record.access, action, pid, answers)
    return row, record


def dataset_row(
    store: RecordStore, actor: Actor, pid: str, action: Action, answers: Answers
) -> RecordHandle:
    """`dataset` for callers that need the handle only: reads the access groups, no record."""
    row = _active(store, actor, pid, action, answers)
    _check(actor, row, store.access_of(row), action, pid, answers)
    return row


def dataset_rows(
    store: RecordStore, actor: Actor, pids: Sequence[str], action: Action, answers: Answers
) -> list[tuple[RecordHandle, Access]]:
    """`dataset_row` for each of `pids`, in their order, with the access it was decided by:
    one statement finds them all and one reads their access groups, however many they are;
    the first pid that fails answers (404 or 403)."""
    _refuse_anonymous_write(actor, action, answers)
    wanted = list(dict.fromkeys(pids))
    keys = {key: pid for pid in wanted if answers.crates and (key := _ark_key(pid)) is not None}
    by_pid: dict[str, RecordHandle] = {}
    crates: dict[str, RecordHandle] = {}
    for value, row in store.rows_named(PID_SCHEME, wanted, list(keys)):
        if value is not None and row.face == Face.SCICAT.value and row.kind in DATASET_KINDS:
            by_pid[value] = row
        elif row.ark_key in keys and is_crate(row):
            crates[keys[row.ark_key]] = row
    found: list[RecordHandle | None] = [by_pid.get(pid) or crates.get(pid) for pid in pids]
    active = [row for row in found if row is not None and _is_active(row)]
    accesses = dict(zip((row.pk for row in active), store.accesses(active), strict=True))
    checked = []
    for pid, row in zip(pids, found, strict=True):
        if row is None or not _is_active(row):
            raise _not_found(pid)
        _check(actor, row, accesses[row.pk], action, pid, answers)
        checked.append((row, accesses[row.pk]))
    return checked


def _active(
    store: RecordStore, actor: Actor, pid: str, action: Action, answers: Answers
) -> RecordHandle:
    _refuse_anonymous_write(actor, action, answers)
    row = dataset_by_pid(store, pid, crates=answers.crates)
    if row is None or not _is_active(row):
        raise _not_found(pid)
    return row


def _refuse_anonymous_write(actor: Actor, action: Action, answers: Answers) -> None:
    if answers.anonymous_write and actor.is_anonymous and action is not Action.READ_METADATA:
        raise PermissionDenied(answers.anonymous_write)


def _check(
    actor: Actor, row: RecordHandle, access: Access, action: Action, pid: str, answers: Answers
) -> None:
    """The policy's answer as SciCat's 403; a crate is only read here."""
    if is_crate(row) and action is not Action.READ_METADATA:
        if allows(actor, Action.READ_METADATA, access):
            raise PermissionDenied(READ_ONLY)
        raise PermissionDenied(answers.refused(actor, pid))
    if not allows(actor, action, access):
        raise PermissionDenied(answers.refused(actor, pid))


def _is_active(row: RecordHandle) -> bool:
    return row.state == RecordState.ACTIVE.value


def _not_found(pid: str) -> NotFound:
    return NotFound(f"dataset: {pid[:200]} not found")


def _ark_key(pid: str) -> str | None:
    try:
        return arks.normalise(pid)
    except arks.InvalidArk:
        return None
