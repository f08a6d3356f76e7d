"""SciCat's login routes: `POST /api/v3/auth/login` (201 + ReturnedAuthLoginDto), the
deprecated `users/login`, `whoami`, `logout`; one account store and one login throttle with
the other faces. The token is our JWT (with `exp`, which scitacean checks client-side)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import ClientAddress, RuntimeDep
from fairdepot.api.scicat.deps import CallerDep
from fairdepot.api.scicat.errors import ScicatRoute, scicat_responses
from fairdepot.core.accounts import User
from fairdepot.core.errors import PermissionDenied
from fairdepot.core.timestamps import format_time
from fairdepot.services import accounts

router = APIRouter(route_class=ScicatRoute, tags=["scicat auth"])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="ignore")
    username: str
    password: str


def user_document(user: User) -> dict[str, Any]:
    """The backend's User document minus its password, as login and whoami return it."""
    return {
        "_id": user.id,
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "authStrategy": "local",
        "emailVerified": True,
        "realm": "",
        "currentGroups": list(user.groups),
    }


async def _login(runtime: RuntimeDep, client: ClientAddress, body: Credentials) -> dict[str, Any]:
    user = await run_in_threadpool(
        lambda: accounts.authenticate(runtime, body.username, body.password, client_address=client)
    )
    token = accounts.issue_login_token(runtime, user)
    return {
        "access_token": token.token,
        "id": token.token,
        "expires_in": token.expires_in,
        "ttl": token.expires_in,
        "created": format_time(datetime.fromtimestamp(token.issued_at, UTC)),
        "userId": user.id,
        "user": user_document(user),
    }


for _path in ("/api/v3/auth/login", "/api/v4/auth/login", "/api/auth/login", "/api/v3/users/login"):
    router.add_api_route(
        _path,
        _login,
        methods=["POST"],
        status_code=201,
        responses=scicat_responses(401, 429),
        include_in_schema=_path == "/api/v3/auth/login",
        summary="Log in with a username and password (SciCat)",
    )


@router.get("/api/v3/auth/whoami", responses=scicat_responses(403))
async def whoami(caller: CallerDep) -> dict[str, Any]:
    if caller.user is None:
        raise PermissionDenied("Forbidden resource")
    return user_document(caller.user)


@router.post("/api/v3/auth/logout", status_code=200, responses=scicat_responses())
async def logout(caller: CallerDep) -> dict[str, Any]:
    """Tokens are short-lived JWTs: logging out forgets nothing on the server."""
    return {"logout": "successful"}


@router.get("/api/v3/health", responses=scicat_responses())
async def health() -> dict[str, str]:
    return {"status": "ok"}
