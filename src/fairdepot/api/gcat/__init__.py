"""The gCat face: the gCube Catalogue REST API under /gcat (docs/api-gcat.md).

`methods.GcatMethods` (middleware) answers OPTIONS, 405, HEAD and the `?purge=true` alias from
one method table; the routers here answer the rest. A new collection adds its router below and
its rows to `methods.METHOD_TABLE`.
"""

from fastapi import APIRouter

from fairdepot.api.gcat import (
    groups,
    items,
    licenses,
    namespaces,
    organizations,
    profiles,
    resources,
    trash,
    users,
)
from fairdepot.api.gcat.errors import GCAT_PREFIX
from fairdepot.api.gcat.methods import GcatMethods

router = APIRouter()
router.include_router(organizations.router)
router.include_router(groups.router)
router.include_router(users.router)
router.include_router(namespaces.router)
router.include_router(profiles.router)
router.include_router(items.router)
router.include_router(resources.router)
router.include_router(licenses.router)
router.include_router(trash.router)

__all__ = ["GCAT_PREFIX", "GcatMethods", "router"]
