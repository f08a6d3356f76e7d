"""One catalogue through the SciCat face: FAIRSCAPE crates in SciCat's dataset queries.

`services/scicat/filters.py` and `fullquery.py` translate a SciCat query for SciCat records
(`SCICAT_RECORDS AND where`); `one_catalogue` widens it to `(SCICAT_RECORDS AND where) OR
(FAIRSCAPE_CRATES AND where-on-crates)` with the reverse crosswalk
(`core/crosswalks/scicat_reverse.py`), so one statement still answers it under the caller's
read scope. A crate is found by its ARK as its pid, rendered by the reverse crosswalk, and read
only here: its writes belong to the FAIRSCAPE face.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat import dataset_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_reverse import (
    CRATE_KINDS,
    FAIRSCAPE_CRATES,
    crate_facets,
    crate_filter,
    dataset_from_crate,
)
from fairdepot.core.query import (
    And,
    Column,
    FacetCount,
    FacetGranularity,
    FacetRequest,
    Field,
    Or,
    Query,
    SortKey,
)
from fairdepot.core.record_handle import RecordHandle
from fairdepot.core.records import Face, PublicationStatus, Record
from fairdepot.services.scicat.filters import SCICAT_RECORDS
from fairdepot.storage.db.records import RecordStore


@dataclass(frozen=True)
class Widened:
    """A query over SciCat datasets and crates, and how its facet keys fold back into the
    SciCat facets asked for: key → (facet name, bucket label or None for the value)."""

    query: Query
    facet_names: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def one_catalogue(query: Query) -> Widened:
    """`query` (a translated SciCat query, `SCICAT_RECORDS AND where`) over crates too."""
    where = query.where
    if where is None or where == SCICAT_RECORDS:
        widened = Or((SCICAT_RECORDS, FAIRSCAPE_CRATES))
    elif isinstance(where, And) and where.parts[0] == SCICAT_RECORDS and len(where.parts) == 2:
        on_crates = And((FAIRSCAPE_CRATES, crate_filter(where.parts[1])))
        widened = Or((where, on_crates))
    else:
        raise ValueError("not a translated SciCat query")
    requests: list[FacetRequest] = []
    names: dict[str, tuple[str, str | None]] = {}
    for request in query.facets:
        own = replace(request, filter=SCICAT_RECORDS)
        requests.append(own)
        names[own.key] = (request.key, None)
        for extra, label in crate_facets(request):
            requests.append(extra)
            names[extra.key] = (request.key, label)
    sort = tuple(_shared_sort(key) for key in query.sort)
    return Widened(replace(query, where=widened, sort=sort, facets=tuple(requests)), names)


_BY_NAME = Field(document="native", path=("datasetName",))


def _shared_sort(key: SortKey) -> SortKey:
    """A sort key both kinds of record have a value for: `datasetName` is the record's name
    column for both (SciCat's `datasetName`, a crate's `name`). Other keys on SciCat's own
    fields put crates last in either direction (missing values sort last), `creationTime`
    too although crates render it: its value is the first of three places, which one sort
    key cannot express (docs/crosswalks.md, "Sorting")."""
    if key.field == _BY_NAME:
        return replace(key, field=Field(column=Column.NAME))
    return key


def folded(widened: Widened, found: dict[str, list[FacetCount]]) -> dict[str, list[dict[str, Any]]]:
    """Facet counts of both kinds of record summed per value, most frequent first (ties in
    the order storage gave them, SciCat datasets' first); a facet by day newest day first,
    each day's `_id` `{year, month, day}` (the backend's date facet); a facet on the
    publication state (`isPublished`) true for published records and false for every other
    state, as a dataset reads it."""
    by_state = {r.key for r in widened.query.facets if r.field.column is Column.PUBLICATION_STATUS}
    by_day = {
        widened.facet_names.get(r.key, (r.key, None))[0]
        for r in widened.query.facets
        if r.granularity is FacetGranularity.DAY
    }
    totals: dict[str, dict[Any, int]] = {}
    for key, counts in found.items():
        name, label = widened.facet_names.get(key, (key, None))
        bucket = totals.setdefault(name, {})
        for count in counts:
            if count.count:
                value = label if label is not None else count.value
                if key in by_state:
                    value = value == PublicationStatus.PUBLISHED.value
                bucket[value] = bucket.get(value, 0) + count.count
    answer: dict[str, list[dict[str, Any]]] = {}
    for name, bucket in totals.items():
        if name in by_day:
            days = sorted(bucket.items(), key=lambda item: str(item[0]), reverse=True)
            answer[name] = [{"_id": _day(str(d)), "count": n} for d, n in days]
        else:
            ranked = sorted(bucket.items(), key=lambda item: -item[1])
            answer[name] = [{"_id": v, "count": n} for v, n in ranked]
    return answer


def _day(iso_date: str) -> dict[str, int]:
    year, month, day = (int(part) for part in iso_date.split("-"))
    return {"year": year, "month": month, "day": day}


def crate_row(store: RecordStore, pid: str) -> RecordHandle | None:
    """The crate whose ARK is `pid` (any accepted ARK form), if it is one."""
    try:
        key = arks.normalise(pid)
    except arks.InvalidArk:
        return None
    row = store.row_by_key(key)
    if row is None or not is_crate(row):
        return None
    return row


def is_crate(row: RecordHandle) -> bool:
    return row.face == Face.FAIRSCAPE.value and row.kind in CRATE_KINDS


def rendered(record: Record, version: ApiVersion) -> dict[str, Any]:
    """The dataset a SciCat client reads for a SciCat dataset or a crate."""
    if record.face is Face.FAIRSCAPE:
        return dataset_from_crate(record, version)
    return dataset_of(record, version)


def load_datasets(store: RecordStore, rows: list[RecordHandle]) -> list[Record]:
    """Records for the rows in their order, each with what `rendered` reads of it: crates
    with their JSON-LD and files (their view and `size` come from them), SciCat datasets
    without either (they are rendered from their native document)."""
    crates = [r for r in rows if is_crate(r)]
    others = [r for r in rows if not is_crate(r)]
    loaded = {
        r.ark: r
        for r in [
            *store.load(others, with_files=False, with_metadata=False),
            *store.load(crates, with_files=True),
        ]
    }
    return [loaded[row.ark] for row in rows]
