"""The FAIRSCAPE face: the API fairscape-cli and the FAIRSCAPE docs' scripts talk to."""

from fastapi import APIRouter

from fairdepot.api.fairscape import auth, entities, evidence, resolver, rocrate, search

router = APIRouter()
for _module in (auth, rocrate, search, evidence, entities, resolver):
    router.include_router(_module.router)

__all__ = ["router"]
