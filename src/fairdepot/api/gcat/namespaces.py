"""`GET /gcat/namespaces`: the facility's namespaces in gCat's shape (`name` == `id`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.gcat.deps import CallerDep
from fairdepot.api.gcat.errors import GcatRoute, gcat_responses
from fairdepot.services import namespaces

router = APIRouter(route_class=GcatRoute, tags=["gcat"], responses=gcat_responses())


@router.get("/gcat/namespaces")
async def list_namespaces(runtime: RuntimeDep, caller: CallerDep) -> list[dict[str, Any]]:
    """Every namespace, in the operator's order (not paged: a facility has a handful)."""
    found = await run_in_threadpool(namespaces.list_namespaces, runtime)
    return [
        {"id": n.id, "title": n.title, "name": n.id, "description": n.description} for n in found
    ]
