"""The field tables of origdatablocks and attachments, and their `filter` as a child query.

Blocks and attachments are child records of a dataset (core/crosswalks/scicat_files.py); their
native body holds what the client sent, `createdAt` / `updatedAt` are the record's columns and
`isPublished` the record's publication state. The tables here say which names a `where`,
`order` or `fields` may use and where each is kept, so the shared translator
(services/scicat/where.py) gives them every operator datasets have, with the same 400s.

A filter is `{"where", "fields", "include", "limits": {"limit", "skip", "order" | "sort"}}`
with loopback's top-level `limit`, `skip` and `order` too; an `include` scope of a dataset
(`{"where", "fields", "order", "limit", "skip"}`) is read by the same parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from fairdepot.core.crosswalks.scicat_files import ATTACHMENT, ORIGDATABLOCK
from fairdepot.core.query import (
    And,
    Column,
    Comparison,
    Field,
    Filter,
    InvalidQuery,
    Op,
    Query,
    SortKey,
    ValueType,
)
from fairdepot.core.records import Face
from fairdepot.services.scicat.filters import (
    checked_query,
    json_parameter,
    order_items,
    page_number,
    sort_object_items,
)
from fairdepot.services.scicat.filters import field_names as dataset_field_names
from fairdepot.services.scicat.where import WhereFields, where_filter

_COLUMNS = {"createdAt": Column.CREATED_AT, "updatedAt": Column.UPDATED_AT}
_FILE_FIELDS = ("path", "size", "time", "chk", "uid", "gid", "perm", "type")
_KEYS = frozenset({"where", "fields", "include", "limits", "limit", "skip", "order"})
_SCOPE_KEYS = frozenset({"where", "fields", "limits", "limit", "skip", "order"})
_LIMITS_KEYS = frozenset({"limit", "skip", "order", "sort"})
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class ChildKind:
    """One kind of a dataset's children: its record kind, its SciCat id field, and its fields
    by type (name -> type; a name with `.` goes into an array or object of that field)."""

    kind: str
    noun: str
    id_field: str
    fields: Mapping[str, ValueType]
    open_objects: frozenset[str] = frozenset()
    """Fields whose inside is the client's own (`dataFileList.metadata.<anything>`)."""
    relations: tuple[str, ...] = ()
    """What a filter's `include` may embed (`all`: every one); none: `include` is accepted
    and embeds nothing."""

    @property
    def where_fields(self) -> WhereFields:
        return WhereFields(field=partial(field_of, self), holds_time=partial(_holds_time, self))


def _holds_time(kind: ChildKind, name: str) -> bool:
    return kind.fields.get(name) is ValueType.TIME


def field_of(kind: ChildKind, name: object, location: str) -> Field:
    """Where a field of `kind` is kept: a record column or a path into its native body."""
    if not isinstance(name, str) or not name:
        raise InvalidQuery("a field name must be a non-empty string", location)
    if name in _COLUMNS:
        return Field(column=_COLUMNS[name])
    stored = kind.id_field if name in ("_id", "id") else name
    known = stored in kind.fields or any(
        stored.startswith(f"{head}.") and len(stored) > len(head) + 1 for head in kind.open_objects
    )
    if not known:
        raise InvalidQuery(f"'{name[:80]}' is not a field of an {kind.noun}", location)
    return Field.parse(f"native.{stored}", location)


def _value_type(kind: ChildKind, name: str) -> ValueType:
    if name in _COLUMNS:
        return ValueType.TIME
    return kind.fields.get(kind.id_field if name in ("_id", "id") else name, ValueType.TEXT)


ORIGDATABLOCK_FIELDS = ChildKind(
    kind=ORIGDATABLOCK,
    noun="origdatablock",
    id_field="_id",
    fields={
        "_id": ValueType.TEXT,
        "datasetId": ValueType.TEXT,
        "size": ValueType.NUMBER,
        "chkAlg": ValueType.TEXT,
        "ownerGroup": ValueType.TEXT,
        "accessGroups": ValueType.TEXT,
        "instrumentGroup": ValueType.TEXT,
        "isPublished": ValueType.BOOLEAN,
        "createdBy": ValueType.TEXT,
        "updatedBy": ValueType.TEXT,
        "dataFileList": ValueType.TEXT,
        **{
            f"dataFileList.{name}": (
                ValueType.NUMBER
                if name == "size"
                else ValueType.TIME
                if name == "time"
                else ValueType.TEXT
            )
            for name in _FILE_FIELDS
        },
    },
    open_objects=frozenset({"dataFileList.metadata"}),
    relations=("dataset",),
)
"""GET /origdatablocks?filter=, its search forms and an include's scope select on these."""

ATTACHMENT_FIELDS = ChildKind(
    kind=ATTACHMENT,
    noun="attachment",
    id_field="aid",
    fields={
        "aid": ValueType.TEXT,
        "datasetId": ValueType.TEXT,
        "caption": ValueType.TEXT,
        "thumbnail": ValueType.TEXT,
        "ownerGroup": ValueType.TEXT,
        "accessGroups": ValueType.TEXT,
        "instrumentGroup": ValueType.TEXT,
        "isPublished": ValueType.BOOLEAN,
        "createdBy": ValueType.TEXT,
        "updatedBy": ValueType.TEXT,
        "relationships": ValueType.TEXT,
        "relationships.targetId": ValueType.TEXT,
        "relationships.targetType": ValueType.TEXT,
        "relationships.relationType": ValueType.TEXT,
    },
)
"""GET /attachments?filter= and an include's scope select on these."""

CHILD_KINDS = {ORIGDATABLOCK: ORIGDATABLOCK_FIELDS, ATTACHMENT: ATTACHMENT_FIELDS}


@dataclass(frozen=True)
class ChildQuery:
    """A translated filter of blocks or attachments: which (`where`, without the kind), in
    what order (oldest first when empty), how many (None: all, for an include without a
    limit), from where, the fields to keep of each (all when empty) and a full-text search
    (fullquery's `text`)."""

    where: Filter | None = None
    sort: tuple[SortKey, ...] = ()
    limit: int | None = DEFAULT_LIMIT
    skip: int = 0
    fields: tuple[str, ...] = ()
    text: str | None = None
    include: tuple[str, ...] = ()
    """The relations to embed in each (a block's `dataset`), `all` expanded."""


def child_query(
    kind: ChildKind,
    raw: object,
    location: str = "filter",
    *,
    scope: bool = False,
) -> ChildQuery:
    """A listing's `filter` (a JSON string or decoded value), or with `scope` an include's
    scope (no limit unless it gives one, as loopback's). Anything malformed: InvalidQuery
    naming where it is (`filter.where.or[1].size.gt`)."""
    spec = json_parameter(raw, location) if not scope else raw
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InvalidQuery(
            "a scope is a JSON object" if scope else "a filter is a JSON object", location
        )
    allowed = _SCOPE_KEYS if scope else _KEYS
    for key in spec:
        if key not in allowed:
            raise InvalidQuery(
                f"Property {str(key)[:40]} should not exist in the filter object", location
            )
    limits = spec.get("limits") or {}
    if not isinstance(limits, dict):
        raise InvalidQuery("limits is an object {limit, skip, order}", f"{location}.limits")
    for key in limits:
        if key not in _LIMITS_KEYS:
            raise InvalidQuery(f"unknown key '{str(key)[:40]}' in limits", f"{location}.limits")
    fallback = None if scope else DEFAULT_LIMIT
    limit = _count(limits.get("limit", spec.get("limit")), f"{location}.limit", fallback)
    skip = _count(limits.get("skip", spec.get("skip")), f"{location}.skip", 0) or 0
    sort = order_keys(
        kind, limits.get("order", spec.get("order")), f"{location}.order", lenient=scope
    )
    sort += sort_object(kind, limits.get("sort"), f"{location}.limits.sort")
    where = where_filter(spec.get("where"), f"{location}.where", kind.where_fields)
    if where is not None:  # the nesting and size budget of every SciCat where
        checked_query(Query(where=where), f"{location}.where")
    return ChildQuery(
        where=where,
        sort=sort,
        limit=limit,
        skip=skip,
        fields=field_names(kind, spec.get("fields"), f"{location}.fields"),
        include=() if scope else relation_names(kind, spec.get("include"), f"{location}.include"),
    )


def relation_names(kind: ChildKind, include: object, location: str) -> tuple[str, ...]:
    """`include` of a filter (or the repeated `include=` of a GET by id): a name, or a list
    of names or loopback's `{"relation": name}`; `all` is every relation of the kind, an
    unknown name a 400 (the backend's IncludeValidationPipe). A kind without relations
    accepts any and embeds nothing."""
    if include is None or not kind.relations:
        return ()
    items = include if isinstance(include, list) else [include]
    names: list[str] = []
    for i, item in enumerate(items):
        name = item.get("relation") if isinstance(item, dict) else item
        at = f"{location}[{i}]" if isinstance(include, list) else location
        if name == "all":
            names.extend(kind.relations)
        elif isinstance(name, str) and name in kind.relations:
            names.append(name)
        else:
            raise InvalidQuery(
                f"Provided include field {str(name)[:80]!r} is not part of the {kind.noun} "
                f"relations ({', '.join(kind.relations)}, all)",
                at,
            )
    return tuple(dict.fromkeys(names))


def of_kind(kind: ChildKind, where: Filter | None) -> Filter:
    """`where` among the active children of `kind` (SciCat records of that kind only)."""
    parts: list[Filter] = [
        Comparison(Field(column=Column.FACE), Op.EQ, Face.SCICAT.value),
        Comparison(Field(column=Column.KIND), Op.EQ, kind.kind),
    ]
    if where is not None:
        parts.append(where)
    return And(tuple(parts))


def field_names(kind: ChildKind, fields: object, location: str) -> tuple[str, ...]:
    """`fields` as a list of names or `{"name": true}`; each must be a field of the kind."""

    def check(name: str, at: str) -> None:
        if name not in ("version", "isPublished"):
            field_of(kind, name, at)

    return dataset_field_names(fields, location, check)


def project(
    view: dict[str, Any], fields: tuple[str, ...], always: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Only `fields` of an object (all when empty), its `_id`, as Mongo's projection keeps
    it, and `always` (an include's foreign key, which loopback adds to a scope's fields to
    join on); a dotted name keeps that part of each element of an array
    (`dataFileList.path`: each file's path only)."""
    if not fields:
        return view
    kept: dict[str, Any] = {}
    for name in ("_id", *always, *fields):
        _copy_path(view, kept, name.split("."))
    return kept


def _copy_path(source: Any, target: dict[str, Any], path: list[str]) -> None:
    head, rest = path[0], path[1:]
    if not isinstance(source, dict) or head not in source:
        return
    value = source[head]
    if not rest:
        target[head] = value
    elif isinstance(value, list):
        items = target.setdefault(head, [{} for _ in value])
        if not isinstance(items, list) or len(items) != len(value):
            return
        for element, into in zip(value, items, strict=True):
            if isinstance(into, dict):
                _copy_path(element, into, rest)
    elif isinstance(value, dict):
        into = target.setdefault(head, {})
        if isinstance(into, dict):
            _copy_path(value, into, rest)


def order_keys(
    kind: ChildKind, order: object, location: str, *, lenient: bool = False
) -> tuple[SortKey, ...]:
    """loopback's `"field ASC"` / SciCat's `"field:desc"` (a string, comma-separated, or a
    list of them). `lenient` (an include's scope): a name the kind lacks orders nothing, as
    Mongo sorts by a field no document has (the ingestion document's scope orders blocks by
    `filename`), instead of a 400."""
    keys = []
    for name, direction, at in order_items(order, location):
        try:
            keys.append(sort_key(kind, name, direction, at))
        except InvalidQuery:
            known = name in _COLUMNS or name in ("_id", "id", "isPublished")
            if not lenient or known or name in kind.fields:
                raise
            if str(direction).lower() not in ("asc", "desc"):
                raise
    return tuple(keys)


def sort_object(kind: ChildKind, sort: object, location: str) -> tuple[SortKey, ...]:
    """v4's `{"field": "asc" | "desc"}` (1 / -1 too, as Mongo takes them)."""
    return tuple(sort_key(kind, *item) for item in sort_object_items(sort, location))


def sort_key(kind: ChildKind, name: str, direction: object, location: str) -> SortKey:
    if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
        raise InvalidQuery("a sort direction is ASC or DESC", location)
    target = (
        Field(column=Column.PUBLICATION_STATUS)
        if name == "isPublished"
        else field_of(kind, name, location)
    )
    value_type = ValueType.TEXT if target.column is not None else _value_type(kind, name)
    if target.column in (Column.CREATED_AT, Column.UPDATED_AT):
        value_type = ValueType.TIME
    return SortKey(target, descending=direction.lower() == "desc", type=value_type)


def _count(value: object, location: str, default: int | None) -> int | None:
    """A page's limit (0 or none given: `default`, which may be no limit) or skip."""
    if value is None or (location.endswith("limit") and value == 0 and not isinstance(value, bool)):
        return default
    return page_number(value, location, 0)
