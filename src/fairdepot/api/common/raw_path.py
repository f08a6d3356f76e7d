"""Routing on the raw path, for faces whose identifiers contain `/` (SciCat PIDs).

Clients send a PID such as `PID.prefix.a0b1/5b0c...` as one path segment, its slash encoded
as `%2F`. Starlette routes on the decoded path, where that slash splits the segment and
`/datasets/{pid}/origdatablocks` becomes ambiguous with `/datasets/{pid}`. This middleware
rebuilds the routing path of the prefixes it is given from `raw_path`, one segment at a time:
the routing path keeps each segment's slash encoded (so a route parameter matches exactly one
segment), is lower-cased (Express routes case-insensitively: pyscicat calls `/Datasets`) and
loses a trailing slash (Express's non-strict routing). Routes under those prefixes are
therefore declared in lower case, and read the segment a parameter stands for, decoded and in
its original case, with `raw_segment` - never from the (lower-cased) path parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

SEGMENTS_KEY = "fairdepot.raw_segments"


class RawPathRouting:
    """ASGI middleware: raw-path, case-insensitive, slash-tolerant routing below `prefixes`."""

    def __init__(self, app: ASGIApp, prefixes: Sequence[str]) -> None:
        self.app = app
        self.prefixes = tuple(p.lower().rstrip("/") for p in prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path")
            if raw is not None:
                raw_text = raw.decode("latin-1").split("?", 1)[0]
                if self._applies(raw_text.lower()):
                    segments = _segments(raw_text)
                    scope = dict(scope)
                    scope[SEGMENTS_KEY] = segments
                    scope["path"] = "/" + "/".join(quote(s, safe="").lower() for s in segments)
        await self.app(scope, receive, send)

    def _applies(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.prefixes)


def _segments(raw_path: str) -> list[str]:
    """The decoded segments of a raw path; empty ones (`//`, a trailing `/`) dropped.
    Percent-decoding only: `+` stays a plus in a path, as in Express's decodeURIComponent."""
    return [unquote(part, errors="replace") for part in raw_path.split("/") if part]


def raw_segment(request: Request, parameter: str) -> str:
    """The path segment that route parameter `parameter` matched, decoded, in its case."""
    segments: list[str] | None = request.scope.get(SEGMENTS_KEY)
    route = request.scope.get("route")
    template = getattr(route, "path", None)
    if segments is None or template is None:
        return str(request.path_params[parameter])
    names = [part for part in template.split("/") if part]
    return segments[names.index("{" + parameter + "}")]
