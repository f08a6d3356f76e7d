"""What GET dataset `include=` embeds: the dataset's blocks and attachments, each filtered by
its own access (an anonymous reader of a public dataset sees no files whose blocks are not
published, which scitacean's tests assert).

`embedded(store, actor, rows, datasets, names, scopes=...)` embeds for a whole page of
datasets with one query for all their children without a scope and one per relation with a
scope (plus load_records' constant few), however many datasets the page holds; the reader's
read scope is in each of them, so no child it may not read is loaded;
`included(store, actor, row, dataset, names)` is the one-dataset form the dataset routes call,
in the transaction that read the dataset.

A relation's loopback scope (`{"relation": "origdatablocks", "scope": {"where", "fields",
"order", "limit", "skip"}}`) is translated on the relation's own fields
(services/scicat/child_fields.py) and applied to each dataset's children: its `limit` and
`skip` are per dataset, as loopback's, and the read scope is in the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_files import ATTACHMENT, ORIGDATABLOCK
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.policy import Actor, read_scope
from fairdepot.core.query import Column, Field, InvalidQuery, SortKey
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Record
from fairdepot.services.scicat import attachments, datablocks
from fairdepot.services.scicat.child_fields import (
    CHILD_KINDS,
    ChildQuery,
    child_query,
    of_kind,
    project,
)
from fairdepot.services.scicat.filters import IncludeScope
from fairdepot.storage.db.records import RecordStore

RELATIONS = ("origdatablocks", "datablocks", "attachments")
"""The relations of a dataset we embed; `all` means every one of them. `datablocks`
(archive blocks, written by archive systems) is always empty here."""
OTHER_RELATIONS = ("instruments", "proposals", "samples")
"""Relations the backend also knows; they are accepted and embed nothing (yet)."""

_KINDS = {"origdatablocks": ORIGDATABLOCK, "attachments": ATTACHMENT}
"""The child kind each embedded relation is made of."""

Embedded = dict[str, list[dict[str, Any]]]
FOREIGN_KEYS = ("datasetId",)
"""Kept whatever a scope's `fields` say, as loopback adds the key its relation joins on."""


def wanted_relations(names: Sequence[str]) -> list[str]:
    """The relations `names` asks for, once each; an unknown name is an InvalidInput (400)."""
    wanted: list[str] = []
    for name in names:
        if name == "all":
            wanted.extend(RELATIONS)
        elif name in RELATIONS:
            wanted.append(name)
        elif name not in OTHER_RELATIONS:
            raise InvalidInput(
                f"{name[:80]} is not a relation of a dataset",
                problems=[
                    Problem(f"{name[:80]} is not one of {', '.join(RELATIONS)}, all", "include")
                ],
            )
    return list(dict.fromkeys(wanted))


def scoped(scopes: Sequence[IncludeScope]) -> dict[str, ChildQuery]:
    """Each scope translated on its relation's fields (InvalidQuery, a 400, naming where it
    is); the scopes of relations that embed nothing here are checked to be objects only."""
    queries: dict[str, ChildQuery] = {}
    for scope in scopes:
        kind = CHILD_KINDS.get(_KINDS.get(scope.relation, ""))
        if kind is None:
            if not isinstance(scope.scope, dict):
                raise InvalidQuery("a scope is a JSON object", scope.location)
            continue
        queries[scope.relation] = child_query(kind, scope.scope, scope.location, scope=True)
    return queries


def embedded(
    store: RecordStore,
    actor: Actor,
    rows: Sequence[RecordHandle],
    datasets: Sequence[Record],
    names: Sequence[str],
    version: ApiVersion = ApiVersion.V4,
    scopes: Sequence[IncludeScope] = (),
) -> list[Embedded]:
    """For each dataset (in order; `rows` are their handles) the relations `names` asks for,
    keyed by name; each embedded object filtered by its own access, and by its relation's
    scope if it has one."""
    wanted = wanted_relations(names)
    queries = scoped(scopes)
    if not wanted:
        return [{} for _ in datasets]
    whole = [_KINDS[name] for name in wanted if name in _KINDS and name not in queries]
    scope = read_scope(actor)  # each child by its own access, in the statement
    children = store.members_of(rows, whole, scope) if whole else []
    for name in wanted:
        if name in queries and name in _KINDS:
            children += _scoped_children(store, actor, rows, name, queries[name])
    grouped: dict[tuple[int | None, str], list[Record]] = {}
    loaded = store.load(children, with_files=False)
    for row, child in zip(children, loaded, strict=True):
        grouped.setdefault((row.parent_pk, row.kind), []).append(child)
    answers = []
    for row in rows:
        pk = row.pk
        answer: Embedded = {}
        for name in wanted:
            found = grouped.get((pk, _KINDS.get(name, "")), [])
            fields = queries[name].fields if name in queries else ()
            if name == "origdatablocks":
                answer[name] = [
                    project(datablocks.view(r, version), fields, FOREIGN_KEYS) for r in found
                ]
            elif name == "attachments":
                answer[name] = [project(attachments.view(r), fields, FOREIGN_KEYS) for r in found]
            else:
                answer[name] = []
        answers.append(answer)
    return answers


def _scoped_children(
    store: RecordStore, actor: Actor, parents: Sequence[RecordHandle], name: str, query: ChildQuery
) -> list[RecordHandle]:
    """The children of one relation a scope selects, a page per dataset, in one statement."""
    kind = CHILD_KINDS[_KINDS[name]]
    return store.children_per_parent(
        parents,
        of_kind(kind, query.where),
        query.sort or (SortKey(Field(column=Column.CREATED_AT)),),
        read_scope(actor),
        offset=query.skip,
        limit=query.limit,
    )


def included(
    store: RecordStore,
    actor: Actor,
    row: RecordHandle,
    dataset: Record,
    names: Sequence[str],
    version: ApiVersion = ApiVersion.V4,
    scopes: Sequence[IncludeScope] = (),
) -> Embedded:
    """The relations `names` asks for, keyed by name, for a dataset the actor reads."""
    scoped(scopes)
    if not wanted_relations(names):
        return {}
    return embedded(store, actor, [row], [dataset], names, version, scopes)[0]
