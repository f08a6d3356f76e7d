"""GET /: what this server is, which faces it offers and where its documentation lives.

A newcomer's first request is the root. Until the web face gives it a real home page, it answers
a small JSON description (and the same links as a plain HTML page for a browser), so that nobody
meets a bare 404 on a server that works.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from fairdepot import __version__
from fairdepot.core.negotiation import choose


@dataclass(frozen=True)
class FaceLink:
    """One public API this server offers: its name, where it is mounted, what it is."""

    name: str
    path: str
    description: str


def home_router(faces: list[FaceLink], base_url: str) -> APIRouter:
    router = APIRouter()
    links = {
        "docs": "/docs",
        "openapi": "/openapi.json",
        "api": "/api",
        "ark_resolver": "/.well-known/ark",
        "health": "/healthz",
    }

    def description() -> dict[str, Any]:
        return {
            "name": "fairdepot",
            "version": __version__,
            "description": "A FAIR research-data repository: every record gets an ARK.",
            "faces": [
                {"name": f.name, "url": base_url + f.path, "description": f.description}
                for f in faces
            ],
            "links": {name: base_url + path for name, path in links.items()},
        }

    @router.get("/", tags=["operations"], summary="What this server is, with links")
    @router.get("/api", include_in_schema=False)
    async def home(request: Request) -> Response:
        if choose(request.headers.get("accept"), ["application/json", "text/html"]) == (
            "text/html"
        ):
            return HTMLResponse(_page(description(), faces, links))
        return JSONResponse(description(), headers={"Vary": "Accept"})

    return router


def _page(about: dict[str, Any], faces: list[FaceLink], links: dict[str, str]) -> str:
    face_items = "".join(
        f'<li><a href="{escape(f.path)}">{escape(f.name)}</a>: {escape(f.description)}</li>'
        for f in faces
    )
    link_items = "".join(
        f'<li><a href="{escape(path)}">{escape(path)}</a> ({escape(name)})</li>'
        for name, path in links.items()
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>fairdepot {escape(about['version'])}</title></head><body>"
        f"<h1>fairdepot {escape(about['version'])}</h1><p>{escape(about['description'])}</p>"
        f"<h2>APIs</h2><ul>{face_items}</ul><h2>Links</h2><ul>{link_items}</ul>"
        "</body></html>"
    )
