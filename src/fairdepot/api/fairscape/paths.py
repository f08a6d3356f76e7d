"""ARK path templates: every ARK route answers `ark:NAAN/x` and every other spelling of the label.

The ARK specification makes the label case-insensitive and keeps the legacy `ark:/` form, so
`ARK:59852/x`, `Ark:/59852/x` and `ark:59852/x` name one object. The documented template is
`ark:{naan}`; a hidden twin takes the label as a path parameter matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.convertors import Convertor, register_url_convertor


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
        return handler

    return register


def ark_text(naan: str, postfix: str) -> str:
    return f"ark:{naan}/{postfix}"
