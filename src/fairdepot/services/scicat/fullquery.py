"""SciCat's `fullquery` (`fields` + `limits`) and `fullfacet` (`fields` + `facets`) as core
queries.

`fields` is SciCat's search form, not a projection: `text` is a full-text search, `mode` a
where object merged in, `scientific` a list of `{lhs, relation, rhs, unit}` conditions on the
scientific metadata (compared in SI through `valueSI`/`unitSI` when a unit is given),
`userGroups` narrows to datasets those groups own or may read (OR-ed with `ownerGroup`,
`accessGroups` and `sharedWith`, as the backend does), and every other key is a
dataset field compared by its type: a list of strings is "any of", `{begin, end}` a time range,
`{min, max}` a number range, a boolean an equality. `limits` is `{limit (100), skip, order
"field:asc"}`. `fullfacet` counts the matching datasets per value of each facet field, and
all of them (`all: [{totalSets}]`); a time field (`creationTime`, `createdAt`...) is counted
per UTC day, its buckets' `_id` `{year, month, day}` as the backend's date facet groups them.
"""

from __future__ import annotations

import re
from typing import Any

from fairdepot.core.crosswalks.scicat import ARRAY_FIELDS, DATE_FIELDS, NUMBER_FIELDS, query_field
from fairdepot.core.crosswalks.scicat_fields import FIELDS, Kind
from fairdepot.core.metadata.units import to_si
from fairdepot.core.query import (
    MAX_LIMIT,
    And,
    Column,
    Comparison,
    FacetGranularity,
    FacetRequest,
    Field,
    Filter,
    InvalidQuery,
    Op,
    Or,
    Page,
    Query,
)
from fairdepot.services.scicat.filters import (
    V3_DEFAULT_LIMIT,
    DatasetQuery,
    checked_query,
    json_parameter,
    page_number,
    scicat_only,
    sort_keys,
)
from fairdepot.services.scicat.where import checked, field_condition, where_filter

GROUP_FIELDS = frozenset({"ownerGroup", "accessGroups", "sharedWith"})
"""Search-form fields that are alternatives, as on the backend: with `userGroups` they make one
"any of these" condition (a dataset of this group, or shared with it, or with that address)."""
DEFAULT_FACETS = ("type", "creationLocation", "ownerGroup", "keywords")
MAX_FACETS = 20
_LIMITS_KEYS = frozenset({"limit", "skip", "order"})
_RELATIONS = {
    "EQUAL_TO_STRING": Op.EQ,
    "EQUAL_TO_NUMERIC": Op.EQ,
    "GREATER_THAN": Op.GT,
    "LESS_THAN": Op.LT,
    "GREATER_THAN_OR_EQUAL": Op.GTE,
    "LESS_THAN_OR_EQUAL": Op.LTE,
    "CONTAINS_STRING": Op.ILIKE,
    "RANGE": Op.BETWEEN,
}


def full_query(fields: object, limits: object) -> DatasetQuery:
    """`GET /datasets/fullquery?fields=...&limits=...` (JSON strings or decoded values)."""
    where, text = search_form(fields)
    spec = _decoded(limits, "limits")
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InvalidQuery("limits is an object {limit, skip, order}", "limits")
    for key in spec:
        if key not in _LIMITS_KEYS:
            raise InvalidQuery(f"unknown key '{key[:40]}' in limits", "limits")
    limit = page_number(spec.get("limit"), "limits.limit", V3_DEFAULT_LIMIT)
    query = Query(
        where=scicat_only(where),
        text=text,
        sort=sort_keys(spec.get("order"), "limits.order"),
        page=Page(limit=limit, offset=page_number(spec.get("skip"), "limits.skip", 0)),
    )
    return DatasetQuery(checked_query(query, "fields"))


_WHOLE_OBJECTS = frozenset({Kind.OBJECT, Kind.LIFECYCLE, Kind.TECHNIQUES, Kind.RELATIONSHIPS})
"""Fields whose values are objects: the backend's `$group` makes one bucket per distinct
whole object (a dataset's entire scientificMetadata); refused here (docs/api-scicat.md)."""


def full_facet_filters(filters: object) -> Query:
    """v4 `fullfacet?filters={"fields": ..., "facets": [...]}`, the one parameter the
    backend's OpenAPI document names and scicat-sdk-py's DatasetsV4Api sends (the backend
    itself reads `fields` and `facets` from the query string, and ignores `filters`)."""
    spec = _decoded(filters, "filters")
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InvalidQuery("filters is a JSON object of fields and facets", "filters")
    unknown = sorted(set(spec) - {"fields", "facets"})
    if unknown:
        raise InvalidQuery(f"filters has no {unknown[0][:80]!r}: only fields and facets", "filters")
    return full_facet(spec.get("fields"), spec.get("facets"))


PUBLICATION = Field(column=Column.PUBLICATION_STATUS)
"""What `isPublished` counts: the record's publication state, as a `where` on it compares (a
PublishedData registration or FAIRSCAPE's publish changes it, not the stored document);
`reverse.folded` turns its buckets back into true and false."""


def full_facet(fields: object, facets: object) -> Query:
    """`GET /datasets/fullfacet?fields=...&facets=[...]`: the matching datasets counted
    (`Query.count`, SciCat's `all.totalSets`) and counted per value of each facet."""
    where, text = search_form(fields)
    names = _decoded(facets, "facets")
    if names is None or names == []:
        names = list(DEFAULT_FACETS)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidQuery("facets is a list of field names", "facets")
    if len(names) > MAX_FACETS:
        raise InvalidQuery(f"at most {MAX_FACETS} facets", "facets")
    for i, name in enumerate(names):
        if FIELDS.get(name) in _WHOLE_OBJECTS:
            raise InvalidQuery(
                f"{name} holds objects: facet on one of their fields ({name}.<field>)",
                f"facets[{i}]",
            )
    requests = tuple(
        FacetRequest(
            PUBLICATION if name == "isPublished" else query_field(name, f"facets[{i}]"),
            limit=MAX_LIMIT,
            name=name,
            granularity=FacetGranularity.DAY if name in DATE_FIELDS else FacetGranularity.VALUE,
        )
        for i, name in enumerate(dict.fromkeys(names))
    )
    query = Query(
        where=scicat_only(where), text=text, page=Page(limit=1), count=True, facets=requests
    )
    return checked_query(query, "fields")


def search_form(fields: object) -> tuple[Filter | None, str | None]:
    """fullquery's and fullfacet's `fields` as a filter and a text search."""
    spec = _decoded(fields, "fields")
    if spec is None:
        return None, None
    if not isinstance(spec, dict):
        raise InvalidQuery("fields is a JSON object", "fields")
    parts: list[Filter] = []
    groups: list[Filter] = []
    text: str | None = None
    for key, value in spec.items():
        location = f"fields.{key}"
        if value is None or value == [] or value == "":
            continue  # the search form's empty inputs
        if key == "text":
            if not isinstance(value, str):
                raise InvalidQuery("text is a string", location)
            text = value if value.strip() else None
        elif key == "mode":
            node = where_filter(value, location)
            if node is not None:
                parts.append(node)
        elif key == "scientific":
            parts.extend(_scientific(value, location))
        elif key == "userGroups":
            groups.extend(_user_groups(value, location))
        elif key in GROUP_FIELDS:
            groups.append(_form_field(key, value, location))
        else:
            parts.append(_form_field(key, value, location))
    if groups:
        parts.append(groups[0] if len(groups) == 1 else Or(tuple(groups)))
    if not parts:
        return None, text
    return (parts[0] if len(parts) == 1 else And(tuple(parts))), text


def _form_field(name: str, value: object, location: str) -> Filter:
    """A search-form field compared as its type asks (the backend's `searchExpression`)."""
    if name == "isPublished":
        return field_condition(name, value, location)
    query_field(name, location)
    base = name.partition(".")[0]
    if isinstance(value, list):
        if len(value) == 1 and base not in ARRAY_FIELDS:
            return field_condition(name, value[0], location)
        return field_condition(name, {"inq": value}, location)
    if isinstance(value, dict) and base in DATE_FIELDS and set(value) <= {"begin", "end"}:
        return _range(name, value.get("begin"), value.get("end"), location)
    if isinstance(value, dict) and base in NUMBER_FIELDS and set(value) <= {"min", "max"}:
        return _range(name, value.get("min"), value.get("max"), location)
    if isinstance(value, dict):
        raise InvalidQuery(_form_hint(base), location)
    return field_condition(name, value, location)


def _form_hint(base: str) -> str:
    if base in DATE_FIELDS:
        return "a time field takes {begin, end}"
    if base in NUMBER_FIELDS:
        return "a number field takes {min, max}"
    return "a field takes a value or a list of values"


def _range(name: str, low: object, high: object, location: str) -> Filter:
    bounds = {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}
    if not bounds:
        raise InvalidQuery("a range needs at least one bound", location)
    return field_condition(name, bounds, location)


def _user_groups(value: object, location: str) -> list[Filter]:
    """Datasets the groups own or may read."""
    groups = value if isinstance(value, list) else [value]
    if not groups or not all(isinstance(g, str) for g in groups):
        raise InvalidQuery("userGroups is a list of group names", location)
    return [
        field_condition("ownerGroup", {"inq": groups}, location),
        field_condition("accessGroups", {"inq": groups}, location),
    ]


def _scientific(conditions: object, location: str) -> list[Filter]:
    if not isinstance(conditions, list):
        raise InvalidQuery("scientific is a list of {lhs, relation, rhs, unit}", location)
    return [_scientific_condition(c, f"{location}[{i}]") for i, c in enumerate(conditions)]


def _scientific_condition(condition: object, location: str) -> Filter:
    """One condition on the scientific metadata: on `<lhs>.value` (or a bare value at
    `<lhs>`), or with a unit on `<lhs>.valueSI` and `<lhs>.unitSI`."""
    if not isinstance(condition, dict):
        raise InvalidQuery("a condition is an object {lhs, relation, rhs, unit}", location)
    unknown = set(condition) - {"lhs", "relation", "rhs", "unit"}
    if unknown:
        raise InvalidQuery(f"unknown key '{sorted(unknown)[0][:40]}'", location)
    lhs, relation, rhs = condition.get("lhs"), condition.get("relation"), condition.get("rhs")
    unit = condition.get("unit") or None
    if not isinstance(lhs, str) or not lhs:
        raise InvalidQuery("lhs names a scientific metadata key", f"{location}.lhs")
    if relation not in _RELATIONS:
        raise InvalidQuery(f"relation is one of {', '.join(_RELATIONS)}", f"{location}.relation")
    op = _RELATIONS[str(relation)]
    path = ("scientificMetadata", *lhs.split("."))
    if op is Op.BETWEEN:
        if not isinstance(rhs, list) or len(rhs) != 2:
            raise InvalidQuery("RANGE takes [low, high]", f"{location}.rhs")
        values: list[Any] = list(rhs)
    else:
        values = [rhs]
    if relation in ("EQUAL_TO_STRING", "CONTAINS_STRING"):
        if not isinstance(rhs, str):
            raise InvalidQuery(f"{relation} compares with a string", f"{location}.rhs")
        unit = None
    elif not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise InvalidQuery(f"{relation} compares with numbers", f"{location}.rhs")
    if op is Op.ILIKE and re.search("[%_]", str(rhs)):
        op, values = Op.REGEXP, [f"(?i){re.escape(str(rhs))}"]
    elif op is Op.ILIKE:
        values = [f"%{rhs}%"]
    if unit is not None:
        if not isinstance(unit, str):
            raise InvalidQuery("unit is a string", f"{location}.unit")
        converted = [to_si(float(v), unit) for v in values]
        if any(c is None for c in converted):
            raise InvalidQuery(f"'{unit[:40]}' is not a unit this server knows", f"{location}.unit")
        si = [c for c in converted if c is not None]
        value_si = _scientific_comparison((*path, "valueSI"), op, [c[0] for c in si], location)
        unit_si = Comparison(Field(document="native", path=(*path, "unitSI")), Op.EQ, si[0][1])
        return And((value_si, unit_si))
    return Or(
        (
            _scientific_comparison((*path, "value"), op, values, location),
            _scientific_comparison(path, op, values, location),
        )
    )


def _scientific_comparison(
    path: tuple[str, ...], op: Op, values: list[Any], location: str
) -> Comparison:
    target = Field.parse(".".join(("native", *path)), location)
    comparison = Comparison(target, op, tuple(values) if op is Op.BETWEEN else values[0])
    checked(comparison, location)
    return comparison


def _decoded(value: object, name: str) -> Any:
    return json_parameter(value, name)
