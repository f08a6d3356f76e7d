"""ARK path templates: every ARK route answers `ark:NAAN/x` and every other spelling of the label.

The ARK specification makes the label case-insensitive and keeps the legacy `ark:/` form, so
`ARK:59852/x`, `Ark:/59852/x` and `ark:59852/x` name one object. The documented template is
`ark:{naan}`; a hidden twin takes the label as a path parameter matched case-insensitively.

A path that starts like an ARK but is not one (`ark:bogus`, no `/name`) is answered by a
fallback route with a 400 saying why; without it the router would redirect to a trailing-slash
URL first (`redirect_slashes`) and only that second request would say what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.convertors import Convertor, register_url_convertor

from fairdepot.core.errors import InvalidInput
from fairdepot.services.records import parse_ark_display


class ArkLabelConvertor(Convertor[str]):
    """`ark:` or `ark:/` in any letter case."""

    regex = "[Aa][Rr][Kk]:/?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("ark_label", ArkLabelConvertor())


def ark_route(
    router: APIRouter, prefix: str, methods: list[str], **kwargs: Any
) -> Callable[..., Any]:
    """Register one handler (taking `naan` and `postfix`) under every ARK label form."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        for template, extra in (
            (f"{prefix}/ark:{{naan}}/{{postfix:path}}", {}),
            (
                f"{prefix}/{{label:ark_label}}{{naan}}/{{postfix:path}}",
                {"include_in_schema": False},
            ),
        ):
            router.add_api_route(template, handler, methods=methods, **{**kwargs, **extra})
        router.add_api_route(
            f"{prefix}/{{label:ark_label}}{{rest:path}}",
            not_an_ark,
            methods=methods,
            include_in_schema=False,
        )
        return handler

    return register


def ark_text(naan: str, postfix: str) -> str:
    return f"ark:{naan}/{postfix}"


async def not_an_ark(label: str, rest: str) -> None:
    """Matched only when the ARK templates were not: say what is wrong with the ARK."""
    parse_ark_display(f"ark:{rest}")  # raises InvalidInput with the reason
    raise InvalidInput(f"'ark:{rest}' is not an ARK: expected ark:NAAN/name")
