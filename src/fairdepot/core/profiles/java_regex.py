"""Profiles' `regularExpression`s, written for Java, run by the `regex` package with a time limit.

gCat checks a value with Java's `String.matches(pattern)`, a match of the whole value; here that
is `fullmatch`. The pattern comes from an uploaded profile, so a match runs with a timeout: a
catastrophic pattern (`^(a|a)+$` on "aaaa...!") stops after `MATCH_TIMEOUT_SECONDS` instead of
stalling a worker.

Java syntax against `regex` (compiled with `ASCII | V1` to be close to Java's defaults):

- Same meaning: possessive quantifiers (`a++`), atomic groups, lookarounds, named groups
  `(?<name>...)`, `\\p{L}` and other Unicode properties, nested classes and intersections
  (`[a-z&&[^e]]`, which needs `V1`), inline flags `(?i)`.
- `\\d \\w \\s \\b` are ASCII-only in Java unless `UNICODE_CHARACTER_CLASS`: hence `ASCII`, which
  also keeps `(?i)` ASCII-only, as Java's default case-insensitivity is.
- `\\Q...\\E` quoting has no `regex` equivalent; it is rewritten to escaped characters first.
- Not the same, left as is: Java's `.` also refuses `\\r`, `\\u0085`, `\\u2028`, `\\u2029`
  (here only `\\n`); Java-only classes such as `\\p{javaLowerCase}` or `\\p{IsAlphabetic}`
  fail to compile, so the profile is refused at upload rather than misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import regex

MATCH_TIMEOUT_SECONDS: Final = 0.1
"""The longest one value's match against one field's pattern may take."""

_FLAGS: Final = regex.ASCII | regex.V1


class PatternTimeout(Exception):
    """A match took longer than its limit (the pattern backtracks catastrophically)."""


@dataclass(frozen=True)
class JavaPattern:
    """A compiled profile pattern; `source` is the text exactly as the profile wrote it."""

    source: str
    compiled: Any = field(compare=False, repr=False)

    @classmethod
    def compile(cls, source: str) -> JavaPattern:
        """Compile a Java pattern; a malformed one raises `regex.error` (the caller names it)."""
        return cls(source, regex.compile(_unquote(source), _FLAGS))

    def matches(self, value: str, *, timeout: float = MATCH_TIMEOUT_SECONDS) -> bool:
        """Java's `value.matches(pattern)`; `PatternTimeout` if it takes over `timeout` s."""
        try:
            return self.compiled.fullmatch(value, timeout=timeout) is not None
        except TimeoutError as timed_out:
            raise PatternTimeout(self.source) from timed_out


def _unquote(source: str) -> str:
    """Rewrite Java's `\\Q...\\E` (literal text up to `\\E` or the end) as escaped characters."""
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char != "\\" or index + 1 == len(source):
            out.append(char)
            index += 1
            continue
        if source[index + 1] != "Q":
            out.append(source[index : index + 2])
            index += 2
            continue
        end = source.find("\\E", index + 2)
        quoted = source[index + 2 :] if end < 0 else source[index + 2 : end]
        out.append(regex.escape(quoted))
        index = len(source) if end < 0 else end + 2
    return "".join(out)
