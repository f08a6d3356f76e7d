"""Text that Python holds but UTF-8 cannot carry: unpaired surrogates.

JSON may escape any UTF-16 code unit, so `"\\ud800"` parses to a Python string holding a lone
surrogate (U+D800..U+DFFF). No UTF-8 encoder writes one: the database driver, a response body
and a log file all fail on it. Untrusted input holding one is refused where it is parsed
(core/json_input.py); anything that echoes user text in a message escapes it with
:func:`escape_surrogates`, so that refusing such input can never itself fail.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a code point UTF-8 cannot encode (a lone surrogate)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def escape_surrogates(text: str, backslash: str = "\\") -> str:
    """`text` with every lone surrogate written as its visible escape (`\\ud800`); inside
    JSON text, pass `backslash="\\\\"` so that the escape reads back as those characters."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda match: f"{backslash}u{ord(match.group()):04x}", text)
