"""SciCat's origdatablock queries beyond the listing: `fullquery` (v3), the `files` variants
(one row per file of the selected blocks), `files/count`, `fullfacet` and the v4 `/public`
routes.

A search form (`fields` of fullquery and fullfacet) is the backend's: `text` a full-text
search, `mode` a `where` merged in, `userGroups` the blocks those groups own or may read, and
any block field compared by its type (a list is "any of", `{min, max}` a number range,
`{begin, end}` a time range, else equality), all on the field table of
services/scicat/child_fields.py. Every query carries the reader's read scope in its own
statement (anonymous callers and `/public` routes: published blocks only).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_files import ORIGDATABLOCK, file_entries
from fairdepot.core.errors import NotFound
from fairdepot.core.policy import ANONYMOUS, Action, Actor, allows, read_scope
from fairdepot.core.query import (
    MAX_LIMIT,
    And,
    Column,
    FacetRequest,
    Field,
    Filter,
    InvalidQuery,
    Or,
    Page,
    Query,
    SortKey,
    ValueType,
)
from fairdepot.core.records import PublicationStatus
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import datablocks
from fairdepot.services.scicat.block_datasets import with_datasets
from fairdepot.services.scicat.child_fields import (
    DEFAULT_LIMIT,
    ORIGDATABLOCK_FIELDS,
    ChildQuery,
    child_query,
    field_of,
    of_kind,
    project,
    relation_names,
)
from fairdepot.services.scicat.children import child_row
from fairdepot.services.scicat.filters import checked_query, json_parameter
from fairdepot.services.scicat.where import field_condition, where_filter

BLOCKS = ORIGDATABLOCK_FIELDS
FILE_LIST = "dataFileList"
"""One value per file of a block (paths are unique within it): what unwound counts count."""
MAX_FACETS = 20
_BATCH = 200
"""Blocks read at a time while unwinding their files into a page."""


# -- translating ----------------------------------------------------------------------------


def search_form(fields: object, location: str = "fields") -> tuple[Filter | None, str | None]:
    """fullquery's and fullfacet's `fields` as a where on blocks and a text search."""
    spec = json_parameter(fields, location)
    if spec is None:
        return None, None
    if not isinstance(spec, dict):
        raise InvalidQuery("fields is a JSON object", location)
    parts: list[Filter] = []
    text: str | None = None
    for key, value in spec.items():
        at = f"{location}.{key}"
        if value is None or value == [] or value == "":
            continue  # the search form's empty inputs
        if key == "text":
            if not isinstance(value, str):
                raise InvalidQuery("text is a string", at)
            text = value if value.strip() else None
        elif key == "mode":
            node = where_filter(value, at, BLOCKS.where_fields)
            if node is not None:
                parts.append(node)
        elif key == "userGroups":
            groups = value if isinstance(value, list) else [value]
            if not all(isinstance(g, str) for g in groups):
                raise InvalidQuery("userGroups is a list of group names", at)
            parts.append(
                Or(
                    tuple(
                        field_condition(name, {"inq": groups}, at, BLOCKS.where_fields)
                        for name in ("ownerGroup", "accessGroups")
                    )
                )
            )
        else:
            parts.append(_form_field(key, value, at))
    if not parts:
        return None, text
    return (parts[0] if len(parts) == 1 else And(tuple(parts))), text


def _form_field(name: str, value: object, location: str) -> Filter:
    """A search-form field compared as its type asks (the backend's `searchExpression`)."""
    where = BLOCKS.where_fields
    field_of(BLOCKS, name, location)
    kind = BLOCKS.fields.get(name)
    if name in ("createdAt", "updatedAt"):
        kind = ValueType.TIME
    if isinstance(value, list):
        if len(value) == 1:
            return field_condition(name, value[0], location, where)
        return field_condition(name, {"inq": value}, location, where)
    if isinstance(value, dict):
        names = ("begin", "end") if kind is ValueType.TIME else ("min", "max")
        if kind not in (ValueType.TIME, ValueType.NUMBER) or not set(value) <= set(names):
            raise InvalidQuery(
                "a time field takes {begin, end}, a number field {min, max}, others a value",
                location,
            )
        bounds = {
            op: value[key] for op, key in zip(("gte", "lte"), names, strict=True) if key in value
        }
        if not bounds:
            raise InvalidQuery("a range needs at least one bound", location)
        return field_condition(name, bounds, location, where)
    return field_condition(name, value, location, where)


def full_query(fields: object, limits: object) -> ChildQuery:
    """`GET /api/v3/origdatablocks/fullquery?fields=&limits=`: limits `{limit (100), skip,
    order "field:asc"}`."""
    where, text = search_form(fields)
    spec = json_parameter(limits, "limits")
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InvalidQuery("limits is an object {limit, skip, order}", "limits")
    for key in spec:
        if key not in ("limit", "skip", "order"):
            raise InvalidQuery(f"unknown key '{str(key)[:40]}' in limits", "limits")
    # the limits read as a filter's would be: the same bounds and messages
    paged = child_query(
        BLOCKS, {k: spec[k] for k in ("limit", "skip", "order") if k in spec}, "limits"
    )
    return ChildQuery(where=where, sort=paged.sort, limit=paged.limit, skip=paged.skip, text=text)


def facet_names(facets: object) -> tuple[str, ...]:
    """fullfacet's `facets`: block fields to count the blocks per value of."""
    names = json_parameter(facets, "facets")
    if names is None or names == {}:
        return ()
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidQuery("facets is a list of field names", "facets")
    if len(names) > MAX_FACETS:
        raise InvalidQuery(f"at most {MAX_FACETS} facets", "facets")
    for i, name in enumerate(names):
        if name in ("createdAt", "updatedAt"):
            raise InvalidQuery("time fields are not counted per value", f"facets[{i}]")
        if name != "isPublished":
            field_of(BLOCKS, name, f"facets[{i}]")
    return tuple(dict.fromkeys(names))


def facet_parameters(fields: object, facets: object, filters: object) -> tuple[object, object]:
    """`fields` and `facets`, or scicat-sdk-py's one `filters` parameter `{fields, facets}`
    (its FullFacetFilters, each a JSON string) when neither is given."""
    if fields is None and facets is None and filters is not None:
        spec = json_parameter(filters, "filters")
        if not isinstance(spec, dict):
            raise InvalidQuery("filters is an object {fields, facets}", "filters")
        return spec.get("fields"), spec.get("facets")
    return fields, facets


# -- use cases ------------------------------------------------------------------------------


def blocks(
    runtime: Runtime, actor: Actor, query: ChildQuery, version: ApiVersion
) -> list[dict[str, Any]]:
    """The blocks a translated query selects that the actor reads, cut to its fields, with
    what its `include` embeds."""
    return datablocks.page(runtime, actor, query, version)


def files(
    runtime: Runtime, actor: Actor, query: ChildQuery, version: ApiVersion
) -> list[dict[str, Any]]:
    """One object per file of the selected blocks (the block with `dataFileList` that one
    file, and `datasetExist`), in the blocks' order; `skip` and `limit` count files, as the
    backend's `$unwind` before its `$skip`/`$limit`. Blocks are read a batch at a time, and
    a block wholly skipped is not rendered."""
    skip, wanted = query.skip, query.limit or DEFAULT_LIMIT
    where = of_kind(BLOCKS, query.where)
    sort = query.sort or (SortKey(Field(column=Column.CREATED_AT)),)
    rows: list[dict[str, Any]] = []
    offset = 0
    with runtime.reading() as store:
        while len(rows) < wanted:
            page = Query(where=where, text=query.text, sort=sort, page=Page(_BATCH, offset))
            found = store.find(checked_query(page), read_scope(actor)).rows
            for record in store.load(found, with_files=False):
                entries = file_entries(record.native or {})
                if len(entries) <= skip:
                    skip -= len(entries)
                    continue
                view = datablocks.view(record, version)
                for entry in entries[skip:]:
                    # a block's dataset exists while the block does: a dataset's delete
                    # purges its blocks with it
                    row = {**view, "dataFileList": entry, "datasetExist": True}
                    rows.append(project(row, query.fields))
                    if len(rows) == wanted:
                        break
                skip = 0
                if len(rows) == wanted:
                    break
            if len(found) < _BATCH:
                break
            offset += _BATCH
    return rows


def files_count(runtime: Runtime, actor: Actor, query: ChildQuery) -> dict[str, int]:
    """`{"count": n}`: the files of every block the query selects that the actor reads."""
    core = Query(where=of_kind(BLOCKS, query.where), text=query.text)
    with runtime.reading() as store:
        return {"count": store.count_items(checked_query(core), read_scope(actor), FILE_LIST)}


def facets(
    runtime: Runtime,
    actor: Actor,
    fields: object,
    names: object,
    *,
    per_file: bool = False,
) -> list[dict[str, Any]]:
    """fullfacet's answer: `[{<facet>: [{_id, count}], all: [{totalSets}]}]`, the readable
    blocks counted per value of each facet (most first) and all of them; with `per_file`
    (the `/files` variants) `totalSets` counts their files."""
    where, text = search_form(fields)
    asked = facet_names(names)
    requests = tuple(
        FacetRequest(
            Field(column=Column.PUBLICATION_STATUS)
            if name == "isPublished"
            else field_of(BLOCKS, name, "facets"),
            limit=MAX_LIMIT,
            name=name,
        )
        for name in asked
    )
    query = checked_query(
        Query(
            where=of_kind(BLOCKS, where),
            text=text,
            page=Page(limit=1),
            count=True,
            facets=requests,
        ),
        "fields",
    )
    scope = read_scope(actor)
    with runtime.reading() as store:
        found = store.find(query, scope)
        total = store.count_items(query, scope, FILE_LIST) if per_file else found.total
    answer: dict[str, Any] = {}
    for name in asked:
        counts = found.facets.get(name, [])
        answer[name] = [
            {"_id": _facet_value(name, c.value), "count": c.count} for c in counts if c.count
        ]
    answer["all"] = [{"totalSets": total or 0}]
    return [answer]


def _facet_value(name: str, value: object) -> object:
    if name == "isPublished":
        return value == PublicationStatus.PUBLISHED.value
    return value


def public_block(
    runtime: Runtime, block_id: str, include: Sequence[str] = ()
) -> dict[str, Any] | None:
    """`GET /api/v4/origdatablocks/public/{id}`: the block if it is published, else None
    (the backend's empty 200, for an unknown block as for an unpublished one); `include`
    embeds its dataset when that is public too."""
    relations = relation_names(BLOCKS, list(include), "include") if include else ()
    with runtime.reading() as store:
        try:
            row = child_row(store, ORIGDATABLOCK, "_id", block_id)
        except NotFound:
            return None
        record = store.load([row], with_files=False)[0]
        if not allows(ANONYMOUS, Action.READ_METADATA, record.access):
            return None
        shown = [datablocks.view(record, ApiVersion.V4)]
        return with_datasets(store, ANONYMOUS, [record], shown, relations, ApiVersion.V4)[0]
