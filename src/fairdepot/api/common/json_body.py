"""Request bodies parsed strictly, for every route of every face.

FastAPI parses a JSON body with `json.loads`, which accepts `NaN`, `Infinity`, over-long numbers
and any nesting its stack survives; such a body would be stored and then break every read.
A body larger than `json_max_body_bytes` is refused (413) while it streams in, before it is
held whole in memory. Form fields may carry U+0000, which PostgreSQL text cannot hold and no
client means. Each face's route class hands its handlers this request instead, so no route
can forget; the streamed multipart reader (`multipart_stream.py`) applies the same
`refuse_nul_in_field`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from fairdepot.core.errors import InvalidInput, Problem, TooLarge
from fairdepot.core.json_input import load_json, path_locator
from fairdepot.services.runtime import Runtime, json_limits

NUL_IN_FORM = "a form field may not contain the NUL character (\\u0000)"


def refuse_nul_in_field(name: str, value: str) -> None:
    """InvalidInput naming the field when its name or text holds U+0000."""
    if "\x00" in name or "\x00" in value:
        shown = name.replace("\x00", "\\x00")
        raise InvalidInput(NUL_IN_FORM, problems=[Problem("contains U+0000", shown)])


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"the request body is larger than {limit} bytes",
        problems=[Problem(f"larger than {limit} bytes", "body")],
    )


class StrictJsonRequest(Request):
    """A request whose `json()` refuses non-finite and over-long numbers and deep nesting, and
    whose form refuses the NUL character in any text field."""

    async def _get_form(self, **limits: Any) -> FormData:
        form = await super()._get_form(**limits)
        for name, value in form.multi_items():
            if isinstance(value, str):
                refuse_nul_in_field(name, value)
        return form

    async def body(self) -> bytes:
        """The whole body, refused (TooLarge) once it grows past the configured size: by its
        Content-Length before reading, or while streaming when it sent none or lied."""
        if not hasattr(self, "_body"):
            limit: int = self.app.state.runtime.settings.json_max_body_bytes
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _too_large(limit)
            chunks, size = [], 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            runtime: Runtime = self.app.state.runtime
            try:
                self._json = load_json(
                    await self.body(),
                    json_limits(runtime.settings),
                    source="body",
                    locate=path_locator("body"),
                )
            except InvalidInput as exc:
                if isinstance(exc.__cause__, json.JSONDecodeError):
                    raise exc.__cause__ from None  # FastAPI's 422 for a syntax error, as before
                raise
        return self._json
