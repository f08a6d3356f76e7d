"""The gCat face's method table: which methods each path has, and what follows from it.

One declared table (reference §2.1, gCat 2.x) drives, for every path below /gcat that is in it:
- `OPTIONS` -> 204 with `Allow`, whoever asks (no token: a client asks before it has one);
- a method the path does not have -> 405 with `Allow`, whoever asks (what a URL offers is no
  secret, as OPTIONS shows); `PURGE` too, on every path that lacks it;
- `DELETE ...?purge=true` -> the path's `PURGE` (its alias), where the path has `PURGE`;
- `HEAD` -> the path's `GET`, answered 204 without a body when it succeeds, else its status
  (404 for an unknown instance, 401 without a token), never a body.
Everything else goes to the routes, which check the caller. A path that is not in the table is
the router's 404. A new collection is a router and its rows here; rows whose endpoints are not
built yet answer OPTIONS and 405 from here and the router's 404 for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fairdepot.api.gcat.errors import GCAT_PREFIX, gcat_error_response

ALWAYS = ("OPTIONS", "HEAD")
ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PURGE", "OPTIONS")

METHOD_TABLE: Mapping[str, tuple[str, ...]] = {
    "/items": ("GET", "POST", "DELETE", "PURGE"),
    "/items/{ITEM}": ("GET", "PUT", "PATCH", "POST", "DELETE", "PURGE"),
    "/items/{ITEM}/resources": ("GET", "POST"),
    "/items/{ITEM}/resources/{RID}": ("GET", "PUT", "PATCH", "DELETE"),
    "/licenses": ("GET",),
    "/namespaces": ("GET",),
    "/profiles": ("GET",),
    "/profiles/{NAME}": ("GET", "PUT", "DELETE"),
    "/groups": ("GET", "POST"),
    "/groups/{NAME}": ("GET", "PUT", "PATCH", "DELETE", "PURGE"),
    "/organizations": ("GET", "POST"),
    "/organizations/{NAME}": ("GET", "PUT", "PATCH", "DELETE", "PURGE"),
    "/users": ("GET", "POST"),
    "/users/{NAME}": ("GET", "PUT", "DELETE"),
    "/trash": ("GET", "DELETE", "PURGE"),
}
"""Path below /gcat -> the methods it has besides OPTIONS and HEAD (which every path has)."""


@dataclass(frozen=True)
class Row:
    template: str
    methods: frozenset[str]

    @property
    def allow(self) -> str:
        return ", ".join(m for m in ORDER if m in self.methods)


def rows(table: Mapping[str, tuple[str, ...]] = METHOD_TABLE) -> list[Row]:
    return [Row(path, frozenset((*methods, *ALWAYS))) for path, methods in table.items()]


def row_for(path: str, table: list[Row]) -> Row | None:
    """The row whose template matches `path` (below /gcat; one trailing slash ignored); a
    `{X}` matches one non-empty segment."""
    if len(path) > 1:
        path = path.removesuffix("/")
    segments = path.split("/")
    for row in table:
        pattern = row.template.split("/")
        pairs = zip(pattern, segments, strict=False)
        if len(pattern) == len(segments) and all(
            (p.startswith("{") and s != "") or p == s for p, s in pairs
        ):
            return row
    return None


def _asks_purge(scope: Scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return any(value.lower() == "true" for value in query.get("purge", []))


class GcatMethods:
    """ASGI middleware applying the method table to requests below /gcat."""

    def __init__(self, app: ASGIApp, table: Mapping[str, tuple[str, ...]] = METHOD_TABLE) -> None:
        self.app = app
        self.table = rows(table)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == GCAT_PREFIX or path.startswith(GCAT_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        row = row_for(path[len(GCAT_PREFIX) :] or "/", self.table)
        if row is None:
            await self.app(scope, receive, send)
            return
        method = scope["method"].upper()
        if method == "DELETE" and "PURGE" in row.methods and _asks_purge(scope):
            method = "PURGE"
        if method == "OPTIONS":
            await _send_empty(send, 204, [(b"allow", row.allow.encode())])
            return
        if method not in row.methods:
            response = gcat_error_response(
                405,
                f"{method} is not allowed on {path}; it answers {row.allow}",
                problems=[{"location": "method", "message": f"{method} is not allowed"}],
                headers={"Allow": row.allow},
            )
            await response(scope, receive, send)
            return
        if method == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _head_answer(send))
            return
        await self.app({**scope, "method": method}, receive, send)


async def _send_empty(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _head_answer(send: Send) -> Send:
    """The GET's answer as HEAD's: 204 for a success, its status otherwise, never a body."""

    async def answer(message: Message) -> None:
        if message["type"] == "http.response.start":
            status = int(message["status"])
            kept = [
                (k, v)
                for k, v in message.get("headers", [])
                if k.lower() not in (b"content-length", b"content-type")
            ]
            await send(
                {
                    "type": "http.response.start",
                    "status": 204 if 200 <= status < 300 else status,
                    "headers": kept,
                }
            )
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            await send({"type": "http.response.body", "body": b""})

    return answer
