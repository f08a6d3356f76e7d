"""GET /search/basic: full-text search over what the caller may read."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import Offset, OptionalUser, RuntimeDep, actor_of
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.core.errors import InvalidInput
from fairdepot.services import search

router = APIRouter(route_class=FairscapeRoute, tags=["search"])


@router.get("/search/basic")
async def basic_search(
    runtime: RuntimeDep,
    user: OptionalUser,
    query: Annotated[str | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    if not query or not query.strip():
        raise InvalidInput("the query parameter 'query' must not be empty")
    started = time.perf_counter()
    found, total = await run_in_threadpool(
        search.search, runtime, actor_of(runtime, user), query, limit, offset
    )
    return {
        "query": query,
        "total_results": total,
        "results": [
            {
                "@id": hit.record.ark,
                "@type": hit.record.types if len(hit.record.types) != 1 else hit.record.types[0],
                "name": hit.record.name,
                "description": hit.record.description,
                "keywords": hit.record.keywords,
                "score": round(hit.score, 6),
            }
            for hit in found
        ],
        "time_taken_ms": round((time.perf_counter() - started) * 1000, 3),
    }
