"""The universal resolver: GET, PUT and DELETE on `/ark:NAAN/postfix` for any record.

GET negotiates the representation from `Accept` (q-values honoured, 406 when nothing fits,
`Vary: Accept`): the FAIRSCAPE JSON wrapper, the JSON-LD itself, Turtle, RDF/XML, N-Triples,
or Croissant for a record that has one (a crate, as `/rocrate/{ark}` serves it; a schema.org
Dataset such as a SciCat dataset; anything else is a 406 naming the other offers).
`?info` answers the ARK inflection with an ERC kernel record.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common import conditional
from fairdepot.api.common.ark_paths import ark_route, ark_text
from fairdepot.api.common.deps import (
    RequiredUser,
    RuntimeDep,
    actor_of,
    get_runtime,
    optional_user,
)
from fairdepot.api.common.errors import problem_response
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.api.fairscape.rocrate import crate_representation
from fairdepot.api.fairscape.views import (
    dataset_croissant,
    has_dataset_croissant,
    metadata_document,
    resolver_wrapper,
)
from fairdepot.core.erc import erc_kernel
from fairdepot.core.errors import InvalidInput
from fairdepot.core.metadata.croissant import CROISSANT_MEDIA_TYPE
from fairdepot.core.metadata.rdf import NotRepresentable, serialize
from fairdepot.core.negotiation import choose
from fairdepot.core.records import Record
from fairdepot.services import records
from fairdepot.services.representation_cache import Representation

router = APIRouter(route_class=FairscapeRoute, tags=["resolver"])

JSON, JSONLD = "application/json", "application/ld+json"
RDF_OFFERS = ["text/turtle", "application/rdf+xml", "application/n-triples"]
OFFERS = [JSON, JSONLD, *RDF_OFFERS]
RESOLVER_OFFERS = [*OFFERS, CROISSANT_MEDIA_TYPE]
"""The resolver's offers: Croissant last, so a wildcard `Accept` never picks it."""


async def negotiated(
    record: Record,
    wrapper: dict[str, Any],
    accept: str | None,
    version: records.RecordVersion,
    base_url: str,
    offers: list[str] = OFFERS,
) -> Response:
    """The representation `accept` asks for, serialised now, with its ETag."""
    chosen = choose(accept, offers)
    if chosen is None:
        return not_acceptable(accept, offers)
    built = await representation(record, wrapper, chosen, offers, base_url)
    if isinstance(built, Response):
        return built
    return conditional.served(built, _etag(version, chosen), {"Vary": "Accept"})


def _etag(version: records.RecordVersion, chosen: str) -> str:
    """Strong for JSON, JSON-LD and `?info` (the same bytes in every process); weak for RDF,
    whose blank-node labels each serialisation picks anew."""
    tag = version.etag("info" if chosen == "text/plain" else chosen.split("/")[-1])
    return conditional.weak(tag) if chosen in RDF_OFFERS else tag


def not_acceptable(accept: str | None, offers: list[str]) -> Response:
    return problem_response(
        406,
        "Not Acceptable",
        f"cannot answer with {accept!r}",
        message="not acceptable",
        available=offers,
        headers={"Vary": "Accept"},
    )


async def representation(
    record: Record, wrapper: dict[str, Any], chosen: str, offers: list[str], base_url: str
) -> Representation | Response:
    """The bytes of one representation, or a 406 when this record cannot be written so;
    links in them are rendered with `base_url` (core.links)."""
    if chosen == JSON:
        return Representation(JSONResponse(wrapper).body, JSON)
    if chosen == CROISSANT_MEDIA_TYPE:
        return await _dataset_croissant(record, offers, base_url)
    document = metadata_document(record, base_url)
    if chosen == JSONLD:
        return Representation(json.dumps(document, allow_nan=False).encode(), JSONLD)
    try:  # rdflib takes milliseconds: never on the event loop
        body = await run_in_threadpool(serialize, document, chosen)
    except NotRepresentable as exc:  # e.g. a predicate RDF/XML cannot spell: offer the others
        return problem_response(
            406,
            "Not Acceptable",
            str(exc),
            message=str(exc),
            available=[o for o in offers if o != chosen],
            headers={"Vary": "Accept"},
        )
    return Representation(body.encode(), chosen)


async def _dataset_croissant(
    record: Record, offers: list[str], base_url: str
) -> Representation | Response:
    """The Croissant of a record that is one schema.org Dataset; any other record (a
    block, a software, a FAIRSCAPE data file) has none: 406 with the other offers."""
    if not has_dataset_croissant(record):
        detail = (
            f"{record.ark} ({record.kind}) has no Croissant view: crates and schema.org "
            "Datasets have one"
        )
        return problem_response(
            406,
            "Not Acceptable",
            detail,
            message=detail,
            available=[o for o in offers if o != CROISSANT_MEDIA_TYPE],
            headers={"Vary": "Accept"},
        )
    body = await run_in_threadpool(  # up to 1,000 files: not on the event loop
        lambda: bytes(JSONResponse(dataset_croissant(record, base_url)).body)
    )
    return Representation(body, CROISSANT_MEDIA_TYPE)


@lru_cache(maxsize=256)
def _chosen(accept: str | None) -> str | None:
    """`choose` for the resolver's offers: clients send a handful of Accept values, each
    parsed once."""
    return choose(accept, RESOLVER_OFFERS)


@ark_route(router, "", ["GET"], summary="Resolve any identifier")
async def resolve(request: Request, naan: str, postfix: str) -> Response:
    """Access is checked and the record's version read first (on the event loop when the
    access cache and its change-stamp probe answer, else one statement in a thread); the
    representation is served from the cache for that version, or built and kept there.

    The runtime and the caller are taken from the request here rather than declared as
    dependencies: FastAPI's solving of two nested dependencies was a fifth of a cached
    resolve (docs/performance.md §Resolver). Same functions, same errors.
    """
    runtime = await get_runtime(request)
    actor = actor_of(runtime, await optional_user(request, runtime))
    text = ark_text(naan, postfix)
    current = await records.current_version(runtime, actor, text)
    if "info" in request.query_params:
        name, chosen, headers = "info", "text/plain", {}
    else:
        accept = request.headers.get("accept")
        found_type = _chosen(accept)
        if found_type is None:
            return not_acceptable(accept, RESOLVER_OFFERS)
        chosen, headers = found_type, {"Vary": "Accept"}
        name = chosen.split("/")[-1]
    etag = _etag(current, chosen)
    if conditional.matches(request, etag):
        return conditional.not_modified(etag, headers)
    found = runtime.representations.get((current, name))
    if found is None:
        record = await run_in_threadpool(records.resolve, runtime, actor, text)
        if chosen == CROISSANT_MEDIA_TYPE and record.kind == "ROCrate":
            # the crate's document, its ETag and cache entry (keyed by its members too) are
            # /rocrate/{ark}'s; no entry under `current` is ever made for a crate
            members = await run_in_threadpool(records.members, runtime, actor, record)
            return await crate_representation(request, runtime, actor, record, members, chosen)
        if name == "info":
            built: Representation | Response = Representation(
                erc_kernel(record, runtime.settings.base_url).encode(),
                chosen,
                (("Link", f'<{record.ark}>; rel="describes"'),),
            )
        else:
            base_url = runtime.settings.base_url
            wrapper = resolver_wrapper(record, actor, base_url)
            built = await representation(record, wrapper, chosen, RESOLVER_OFFERS, base_url)
        if isinstance(built, Response):
            return built
        loaded = records.version_of(runtime, record, actor)  # newer than `current` if changed
        etag = _etag(loaded, chosen)
        runtime.representations.put((loaded, name), built)
        found = built
    return conditional.served(found, etag, headers)


@ark_route(router, "", ["PUT"], summary="Replace the metadata of an identifier you own")
async def replace(
    naan: str,
    postfix: str,
    runtime: RuntimeDep,
    user: RequiredUser,
    metadata: Annotated[Any, Body()],
    if_match: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    actor = actor_of(runtime, user)
    revision = _revision_from(if_match)
    record = await run_in_threadpool(
        records.replace_metadata, runtime, actor, ark_text(naan, postfix), metadata, revision
    )
    return JSONResponse(
        resolver_wrapper(record, actor, runtime.settings.base_url),
        headers={"ETag": records.version_of(runtime, record, actor).etag("json")},
    )


@ark_route(router, "", ["DELETE"], summary="Delete an identifier (dependency-checked)")
async def remove(
    naan: str,
    postfix: str,
    runtime: RuntimeDep,
    user: RequiredUser,
    force: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    actor = actor_of(runtime, user)
    outcome = await run_in_threadpool(
        records.delete, runtime, actor, ark_text(naan, postfix), force=_truthy(force)
    )
    return {"@id": outcome.deleted[0], "deleted": outcome.deleted}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def _revision_from(if_match: str | None) -> int | None:
    if not if_match or if_match.strip() == "*":
        return None
    found = re.search(r'"r(\d+)', if_match)
    if not found:
        raise InvalidInput(f"If-Match {if_match!r} is not an ETag this server issued")
    return int(found.group(1))
