"""ARK path templates: every ARK route answers both `ark:NAAN/x` and the legacy `ark:/NAAN/x`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter


def ark_route(
    router: APIRouter, prefix: str, methods: list[str], **kwargs: Any
) -> Callable[..., Any]:
    """Register one handler (taking `naan` and `postfix`) under both ARK label forms."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        for template, extra in (
            (f"{prefix}/ark:{{naan}}/{{postfix:path}}", {}),
            (f"{prefix}/ark:/{{naan}}/{{postfix:path}}", {"include_in_schema": False}),
        ):
            router.add_api_route(template, handler, methods=methods, **{**kwargs, **extra})
        return handler

    return register


def ark_text(naan: str, postfix: str) -> str:
    return f"ark:{naan}/{postfix}"
