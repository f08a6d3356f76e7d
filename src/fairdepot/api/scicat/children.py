"""What the routes of a dataset's children (origdatablocks, attachments) share: a router of
SciCat's error shape, a JSON body, the `filter` parameter and the id read from the raw path
(a pid's `/` arrives as `%2F` and stays in its segment)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from fairdepot.api.common.raw_path import raw_segment
from fairdepot.api.scicat.errors import ScicatRoute

JsonBody = Annotated[Any, Body()]
FilterParameter = Annotated[str | None, Query(alias="filter")]


def child_router(tag: str) -> APIRouter:
    """A router whose errors answer in SciCat's shape."""
    return APIRouter(route_class=ScicatRoute, tags=[tag])


def segment(request: Request, name: str) -> str:
    """A path parameter as sent (`%2F` decoded within its segment only)."""
    return raw_segment(request, name)
