"""POST /login: an OAuth2 password form in, a bearer token out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import ClientAddress, RuntimeDep
from fairdepot.api.common.errors import problem_responses
from fairdepot.api.fairscape.errors import FairscapeRoute
from fairdepot.services import accounts

router = APIRouter(route_class=FairscapeRoute, tags=["auth"])


@router.post("/login", responses=problem_responses(401, 429))
async def login(
    runtime: RuntimeDep,
    client: ClientAddress,
    username: Annotated[str, Form(description="username or e-mail")],
    password: Annotated[str, Form()],
) -> dict[str, Any]:
    user = await run_in_threadpool(
        lambda: accounts.authenticate(runtime, username, password, client_address=client)
    )
    token = accounts.issue_login_token(runtime, user)
    return {"access_token": token.token, "token_type": "bearer", "expires_in": token.expires_in}
