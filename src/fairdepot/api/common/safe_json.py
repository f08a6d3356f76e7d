"""A JSON response that can always be sent, for error answers that echo what a client sent.

Starlette's `JSONResponse` encodes its body as UTF-8 and raises on a lone surrogate (JSON's
`"\\ud800"`). An error message quoting user text (a field name, a value) would then fail
while it is being rendered, after the handler has already given up: the client sees a bare
"Internal Server Error" or a dropped connection instead of the 400. Input holding one is
refused where it is parsed (core/json_input.py); this is the second line, for any message
that quotes text from elsewhere: what cannot be encoded is sent as its visible escape.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

from fairdepot.core.unicode_text import escape_surrogates


class SafeJSONResponse(JSONResponse):
    """`JSONResponse` whose lone surrogates go out as the text `\\ud800`, never an error."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            text = json.dumps(
                content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
            )
            # JSON's structure is ASCII, so a surrogate is inside a string: its escape there
            # reads back as the six characters `\ud800`
            return escape_surrogates(text, backslash="\\\\").encode("utf-8")
