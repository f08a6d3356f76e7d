"""`GET /items`: the names of every record of the catalogue the caller reads, as packages.

One catalogue: gCat items and the other faces' records alike, through the core query layer
in one statement with the caller's read scope (no record is checked one by one), so a
listing shows what `GET /items/{name}` opens. `offset` counts pages (`Listing.page()`);
`q` is the core's full-text search; `fq` takes CKAN's `field:value` terms, AND-ed
(`fq_filter`); `own_only=true` keeps the caller's own records; `status` keeps items in one
moderation state.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from fairdepot.core.crosswalks.ckan_names import ark_of_name, package_name
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.licenses import find_license
from fairdepot.core.policy import Actor, Mine, read_scope
from fairdepot.core.query import And, Filter, Or, Page, Query, cmp
from fairdepot.core.records import Face, ModerationState, RecordState
from fairdepot.services.gcat.listing import Listed, Listing
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only

FQ_FIELDS = ("name", "tags", "organization", "owner_org", "license_id", "extras_<key>")
STATUSES = ("pending", "approved", "rejected")
EVERYTHING = ("", "*:*", "*")
"""CKAN's `q` / `fq` meaning "no condition"."""
SCICAT_DATASET_KINDS = ("raw", "derived")

PACKAGES: Filter = Or(
    (
        cmp("face", "in", (Face.GCAT.value, Face.FAIRSCAPE.value)),
        And((cmp("face", "eq", Face.SCICAT.value), cmp("kind", "in", SCICAT_DATASET_KINDS))),
    )
)
"""The records listed as packages: gCat items, FAIRSCAPE records (crates and their members,
which the crosswalk shows as packages) and SciCat datasets; not SciCat's proposals, samples,
instruments, PublishedData, origdatablocks or attachments, which are no datasets (they stay
readable by their package names)."""


@dataclass(frozen=True)
class ItemSearch:
    """What a listing asks of the records besides its page."""

    q: str | None = None
    fq: str | None = None
    own_only: bool = False
    status: str | None = None


def listing(runtime: Runtime, actor: Actor, request: Listing, search: ItemSearch) -> Listed:
    """Names of one page of readable records (in the order they were stored, best first for
    `q`: a page stays where it was while records are added), or
    (`count=true`) how many match."""
    skip, size = request.page()
    query = Query(where=where_of(search), text=text_of(search.q), page=Page(size, skip))
    scope = read_scope(actor, mine=Mine.OWNER if search.own_only else None)
    with read_only(runtime) as work:
        if request.count:
            return work.records.tally(query, scope, RecordState.ACTIVE).total
        found = work.records.find(query, scope, RecordState.ACTIVE, with_metadata=False)
        return [package_name(r) for r in work.records.load(found.rows, with_files=False)]


def text_of(q: str | None) -> str | None:
    if q is None or q.strip() in EVERYTHING:
        return None
    return q


def where_of(search: ItemSearch) -> Filter:
    parts: list[Filter] = [PACKAGES]
    if search.status is not None:
        if search.status not in STATUSES:
            message = f"'status' is one of {', '.join(STATUSES)}, not {search.status[:40]!r}"
            raise InvalidInput(message, problems=[Problem(message, "status")])
        parts.append(cmp("moderation_state", "eq", ModerationState(search.status).value))
    if search.fq is not None and search.fq.strip() not in EVERYTHING:
        parts.extend(fq_filter(search.fq))
    return parts[0] if len(parts) == 1 else And(tuple(parts))


_TERM = re.compile(r"^(?P<field>[A-Za-z_][\w:\-.]*?):(?P<value>.+)$", re.DOTALL)


def fq_filter(fq: str) -> list[Filter]:
    """CKAN's `fq` as filters: `field:value` terms (a value with spaces in double quotes),
    separated by spaces or `AND`, every one must hold. Fields: `name`, `tags`,
    `organization` (or `owner_org`), `license_id`, `extras_<key>`; anything else is a 400
    (Solr's OR, NOT, ranges and wildcards are not offered)."""
    try:
        words = shlex.split(fq)
    except ValueError as exc:
        raise _bad_fq(f"cannot read 'fq' ({exc})") from None
    filters: list[Filter] = []
    for word in words:
        if word == "AND":
            continue
        term = _TERM.match(word)
        if term is None:
            raise _bad_fq(f"'fq' takes field:value terms, not {word[:60]!r}")
        filters.append(_term(term["field"], term["value"].strip('"')))
    return filters


def _term(field: str, value: str) -> Filter:
    gcat = cmp("face", "eq", Face.GCAT.value)
    if field == "name":
        ark = ark_of_name(value)
        own = And((gcat, cmp("native.name", "eq", value)))
        return Or((own, cmp("ark", "eq", ark))) if ark else own
    if field == "tags":
        return cmp("metadata.keywords", "eq", value)
    if field in ("organization", "owner_org"):
        return cmp("organization", "eq", value)
    if field == "license_id":
        licence = find_license(value)
        shown = [cmp("metadata.license", "eq", value)]
        if licence is not None and licence.url:
            shown.append(cmp("metadata.license", "eq", licence.url))
        return Or((And((gcat, cmp("native.license_id", "eq", value))), *shown))
    if field.startswith("extras_") and len(field) > len("extras_"):
        key = field.removeprefix("extras_")
        item = And((cmp("native.extras.key", "eq", key), cmp("native.extras.value", "eq", value)))
        other = And(
            (
                cmp("metadata.additionalProperty.name", "eq", key),
                cmp("metadata.additionalProperty.value", "eq", value),
            )
        )
        return Or((item, other))
    raise _bad_fq(f"'fq' cannot filter on {field[:60]!r}: it takes {', '.join(FQ_FIELDS)}")


def _bad_fq(message: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, "fq")])
