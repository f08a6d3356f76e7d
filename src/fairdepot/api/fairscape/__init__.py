"""The FAIRSCAPE face: the API fairscape-cli and the FAIRSCAPE docs' scripts talk to."""

from fastapi import APIRouter

from fairdepot.api.fairscape import auth, entities, evidence, resolver, rocrate, search

router = APIRouter()
# The resolver first: routing tries routes in order, and it is the hot path (docs/performance.md).
# No other route of this face matches a path that starts with `ark:`, so the order changes
# nothing else.
for _module in (resolver, auth, rocrate, search, evidence, entities):
    router.include_router(_module.router)

__all__ = ["router"]
