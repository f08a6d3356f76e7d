"""The FAIRSCAPE face: the API fairscape-cli and the FAIRSCAPE docs' scripts talk to."""

from fastapi import APIRouter

from fairdepot.api.fairscape import auth, entities, evidence, resolver, rocrate, search

resolver_router = resolver.router
"""The resolver alone: the app includes it before every other face's routes. Routing tries
routes in order and the resolver is the hot path (docs/performance.md §Resolver); its paths
start with `ark:` (any case), which no route of any face takes, so going first changes nothing
else."""

router = APIRouter()
"""Every other FAIRSCAPE route."""
for _module in (auth, rocrate, search, evidence, entities):
    router.include_router(_module.router)

__all__ = ["resolver_router", "router"]
