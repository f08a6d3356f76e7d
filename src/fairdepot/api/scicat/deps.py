"""Who is calling, as SciCat sees it: a bad or expired token is anonymous, never a 401.

The real backend's global guard treats a token it cannot verify as no token at all (writes are
then 403, reads public-only), and pyscicat sends the token a second time as `?access_token=`;
only the login routes answer 401. The caller's account and the policy's actor come from the
same accounts service as every other face.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep, actor_of, bearer_token
from fairdepot.core.accounts import User
from fairdepot.core.errors import AuthenticationRequired
from fairdepot.core.policy import Actor
from fairdepot.services import accounts
from fairdepot.services.runtime import Runtime


@dataclass(frozen=True)
class Caller:
    """The account (None: anonymous) and its actor, for a SciCat route."""

    user: User | None
    actor: Actor


def presented_token(request: Request) -> str | None:
    token = bearer_token(request)
    if token is None:
        token = request.query_params.get("access_token") or None
    if token is not None and token.lower().startswith("bearer "):
        token = token[7:].strip() or None
    return token


async def scicat_caller(request: Request, runtime: RuntimeDep) -> Caller:
    token = presented_token(request)
    user: User | None = None
    if token is not None:
        try:
            user = await run_in_threadpool(accounts.user_for_token, runtime, token)
        except AuthenticationRequired:
            user = None
    return Caller(user, actor_of(runtime, user))


CallerDep = Annotated[Caller, Depends(scicat_caller)]


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime
