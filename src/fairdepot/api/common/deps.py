"""Typed dependencies shared by the faces: the runtime and the caller's identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from fairdepot.core.accounts import User
from fairdepot.core.errors import AuthenticationRequired
from fairdepot.core.policy import ANONYMOUS, Actor
from fairdepot.core.query import MAX_OFFSET
from fairdepot.services import accounts
from fairdepot.services.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per request
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def client_address(request: Request) -> str | None:
    """The peer's address, for login throttling (uvicorn's proxy_headers has already applied
    X-Forwarded-For when the peer is a trusted proxy)."""
    return request.client.host if request.client else None


ClientAddress = Annotated[str | None, Depends(client_address)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def optional_user(request: Request, runtime: RuntimeDep) -> User | None:
    """The caller's account, None if no credentials; a bad or expired token is an error."""
    token = bearer_token(request)
    if token is None:
        if request.headers.get("authorization"):
            raise AuthenticationRequired("send the token as 'Authorization: Bearer <token>'")
        return None
    return await run_in_threadpool(accounts.user_for_token, runtime, token)


BEARER = HTTPBearer(
    auto_error=False,
    description="A login token (POST /api/login) or an API token (`fairdepot user token`).",
)
"""Declares the bearer scheme in the OpenAPI for routes that need an account; the header itself
is read by `optional_user`, so that both kinds of token and our own 401 body apply."""


async def required_user(
    user: Annotated[User | None, Depends(optional_user)],
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> User:
    if user is None:
        raise AuthenticationRequired()
    return user


def actor_of(runtime: Runtime, user: User | None) -> Actor:
    return accounts.actor_for(user, runtime.settings.facility_groups) if user else ANONYMOUS


# deeper pages are refused (422) before a database sees a number it cannot hold
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="How many results to skip (paging).")
]

OptionalUser = Annotated[User | None, Depends(optional_user)]
RequiredUser = Annotated[User, Depends(required_user)]
