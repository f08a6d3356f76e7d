"""The universal resolver: GET, PUT and DELETE on `/ark:NAAN/postfix` for any record.

GET negotiates the representation from `Accept` (q-values honoured, 406 when nothing fits,
`Vary: Accept`): the FAIRSCAPE JSON wrapper, the JSON-LD itself, Turtle, RDF/XML or N-Triples.
`?info` answers the ARK inflection with an ERC kernel record.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from fairdepot.api.deps import OptionalUser, RequiredUser, RuntimeDep, actor_of
from fairdepot.api.errors import problem_response
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.api.fairscape.paths import ark_route, ark_text
from fairdepot.api.fairscape.views import metadata_document, resolver_wrapper
from fairdepot.core.erc import erc_kernel
from fairdepot.core.errors import InvalidInput
from fairdepot.core.metadata.rdf import NotRepresentable, serialize
from fairdepot.core.negotiation import choose
from fairdepot.core.records import Record
from fairdepot.services import records

router = APIRouter(route_class=FairscapeRoute, tags=["resolver"])

JSON, JSONLD = "application/json", "application/ld+json"
RDF_OFFERS = ["text/turtle", "application/rdf+xml", "application/n-triples"]
OFFERS = [JSON, JSONLD, *RDF_OFFERS]


async def negotiated(
    record: Record, wrapper: dict[str, Any], accept: str | None, offers: list[str] = OFFERS
) -> Response:
    chosen = choose(accept, offers)
    headers = {"Vary": "Accept"}
    if chosen is None:
        return problem_response(
            406,
            "Not Acceptable",
            f"cannot answer with {accept!r}",
            message="not acceptable",
            available=offers,
            headers=headers,
        )
    headers["ETag"] = f'"r{record.revision}-{chosen.split("/")[-1]}"'
    if chosen == JSON:
        return JSONResponse(wrapper, headers=headers)
    document = metadata_document(record)
    if chosen == JSONLD:
        return Response(json.dumps(document, allow_nan=False), media_type=JSONLD, headers=headers)
    try:
        body = await run_in_threadpool(serialize, document, chosen)
    except NotRepresentable as exc:  # e.g. a predicate RDF/XML cannot spell: offer the others
        return problem_response(
            406,
            "Not Acceptable",
            str(exc),
            message=str(exc),
            available=[o for o in offers if o != chosen],
            headers=headers,
        )
    return Response(body, media_type=chosen, headers=headers)


@ark_route(router, "", ["GET"], summary="Resolve any identifier")
async def resolve(
    request: Request, naan: str, postfix: str, runtime: RuntimeDep, user: OptionalUser
) -> Response:
    actor = actor_of(runtime, user)
    record = await run_in_threadpool(records.resolve, runtime, actor, ark_text(naan, postfix))
    if "info" in request.query_params:
        return PlainTextResponse(
            erc_kernel(record, runtime.settings.base_url),
            headers={"Link": f'<{record.ark}>; rel="describes"'},
        )
    return await negotiated(record, resolver_wrapper(record, actor), request.headers.get("accept"))


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
        resolver_wrapper(record, actor), headers={"ETag": f'"r{record.revision}-json"'}
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
