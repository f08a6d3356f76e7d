"""JSON request bodies parsed by the catalogue's strict parser, for every route of every face.

FastAPI parses a JSON body with `json.loads`, which accepts `NaN`, `Infinity`, over-long numbers
and any nesting its stack survives; such a body would be stored and then break every read.
Each face's route class hands its handlers this request instead, so no route can forget.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from fairdepot.core.errors import InvalidInput
from fairdepot.core.json_input import load_json, path_locator
from fairdepot.services.runtime import Runtime, json_limits


class StrictJsonRequest(Request):
    """A request whose `json()` refuses non-finite and over-long numbers and deep nesting."""

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
