"""`GET /gcat/licenses`: the bundled licence list in CKAN's `license_list` shape (not paged)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fairdepot.api.gcat.deps import CallerDep
from fairdepot.api.gcat.errors import GcatRoute, gcat_responses
from fairdepot.core.licenses import all_licenses, license_document

router = APIRouter(route_class=GcatRoute, tags=["gcat"], responses=gcat_responses())


@router.get("/gcat/licenses")
async def list_licenses(caller: CallerDep) -> list[dict[str, Any]]:
    """Every licence an item's `license_id` may name, in CKAN's order."""
    return [license_document(licence) for licence in all_licenses()]
