"""The SciCat face: /api/v3 and /api/v4 as scitacean, pyscicat and scicat-sdk-py call them.

Every route here is declared in lower case and reads identifier segments with
`api.common.raw_path.raw_segment` (see that module: PIDs contain `/`, sent as `%2F`).
`ROUTING_PREFIXES` are the paths that routing applies to; `router` holds every route.
"""

from fastapi import APIRouter

from fairdepot.api.scicat import (
    attachment_changes,
    attachments,
    auth,
    datablock_changes,
    datablock_queries,
    datablocks,
    datasets,
    files,
    objects,
    published_data,
    published_data_v4,
)

ROUTING_PREFIXES = ("/api/v3", "/api/v4")

router = APIRouter()
router.include_router(auth.router)
router.include_router(datablocks.router)
router.include_router(datablock_queries.router)  # before datablock_changes' /{oid}
router.include_router(datablock_changes.router)
router.include_router(attachments.router)
router.include_router(attachment_changes.router)
router.include_router(datasets.router)
router.include_router(files.router)
router.include_router(objects.router)
router.include_router(published_data.router)
router.include_router(published_data_v4.router)
