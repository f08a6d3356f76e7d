"""One SciCat attachment by aid: `GET/PUT/PATCH/DELETE /api/v4/attachments/{aid}` and v3's
`PUT/DELETE /api/v3/datasets/{pid}/attachments/{aid}`; HTTP <-> services/scicat/
attachment_changes.py only."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.scicat.children import JsonBody, child_router, segment
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import scicat_responses
from fairdepot.services.scicat import attachment_changes

router = child_router("scicat attachments")

V4 = "/api/v4/attachments/{aid}"
V3 = "/api/v3/datasets/{pid}/attachments/{aid}"


@router.get(V4, responses=scicat_responses(403, 404))
async def get_attachment(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    aid = segment(request, "aid")
    return await run_in_threadpool(attachment_changes.get, runtime, caller.actor, aid)


@router.put(V4, responses=scicat_responses(400, 403, 404))
async def replace_attachment(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    """The body is the whole attachment (checked like a create)."""
    aid = segment(request, "aid")
    return await run_in_threadpool(
        lambda: attachment_changes.update(runtime, caller.actor, aid, body, replace_all=True)
    )


@router.patch(V4, responses=scicat_responses(400, 403, 404))
async def update_attachment(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    """The body merged into the attachment at the top level."""
    aid = segment(request, "aid")
    return await run_in_threadpool(
        lambda: attachment_changes.update(runtime, caller.actor, aid, body, replace_all=False)
    )


@router.delete(V4, responses=scicat_responses(403, 404))
async def delete_attachment(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    aid = segment(request, "aid")
    return await run_in_threadpool(attachment_changes.delete, runtime, caller.actor, aid)


@router.put(V3, responses=scicat_responses(400, 403, 404))
async def replace_attachment_of_dataset(
    request: Request, runtime: RuntimeDep, caller: CallerDep, body: JsonBody
) -> dict[str, Any]:
    """v3's update of a dataset's attachment: the body's fields replace the attachment's;
    its dataset, relationship and owner group stay the URL's."""
    pid, aid = segment(request, "pid"), segment(request, "aid")
    return await run_in_threadpool(
        lambda: attachment_changes.update(
            runtime, caller.actor, aid, body, replace_all=False, pid=pid
        )
    )


@router.delete(V3, responses=scicat_responses(403, 404))
async def delete_attachment_of_dataset(
    request: Request, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    pid, aid = segment(request, "pid"), segment(request, "aid")
    return await run_in_threadpool(
        lambda: attachment_changes.delete(runtime, caller.actor, aid, pid=pid)
    )
