"""ARK path templates: every ARK route answers both `ark:NAAN/x` and the legacy `ark:/NAAN/x`.

A path that starts like an ARK but is not one (`ark:bogus`, no `/name`) is answered by a
fallback route with a 400 saying why; without it the router would redirect to a trailing-slash
URL first (`redirect_slashes`) and only that second request would say what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from fairdepot.core.errors import InvalidInput
from fairdepot.services.records import parse_ark_display


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
        router.add_api_route(
            f"{prefix}/ark:{{rest:path}}", not_an_ark, methods=methods, include_in_schema=False
        )
        return handler

    return register


def ark_text(naan: str, postfix: str) -> str:
    return f"ark:{naan}/{postfix}"


async def not_an_ark(rest: str) -> None:
    """Matched only when the ARK templates were not: say what is wrong with the ARK."""
    parse_ark_display(f"ark:{rest}")  # raises InvalidInput with the reason
    raise InvalidInput(f"'ark:{rest}' is not an ARK: expected ark:NAAN/name")
