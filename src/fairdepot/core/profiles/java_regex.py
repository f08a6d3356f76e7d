"""Profiles' `regularExpression`s, written for Java, run by the `regex` package with a time limit.

gCat checks a value with Java's `String.matches(pattern)`, a match of the whole value; here that
is `fullmatch`. The pattern comes from an uploaded profile, so a match runs with a timeout: a
catastrophic pattern (`^(a|a)+$` on "aaaa...!") stops after `MATCH_TIMEOUT_SECONDS` instead of
stalling a worker.

Java syntax against `regex` (compiled with `V1`, whose nested classes and `&&` are Java's):

- Same meaning: possessive quantifiers (`a++`), atomic groups, lookarounds, named groups
  `(?<name>...)`, `\\p{L}` and other Unicode properties, nested classes and intersections
  (`[a-z&&[^e]]`), inline flags `(?i)`.
- `\\d \\w \\s` (and `\\D \\W \\S`) are ASCII-only in Java unless
  `UNICODE_CHARACTER_CLASS`; they are rewritten to their ASCII classes (`[0-9]`...) before
  compiling, as a nested class inside a class (`[\\d.]` -> `[[0-9].]`).
- `\\Q...\\E` quoting has no `regex` equivalent; it is rewritten to escaped characters.
- Not the same, left as is: Java's `.` also refuses `\\r`, `\\u0085`, `\\u2028`, `\\u2029`
  (here only `\\n`); `(?i)` and `\\b` are Unicode-aware here, ASCII in Java by default;
  Java's POSIX classes (`\\p{Alpha}`) are ASCII there and Unicode properties here; Java-only
  classes such as `\\p{javaLowerCase}` fail to compile, so the profile is refused at upload
  rather than misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import regex

from fairdepot.core.profiles.pattern_cost import expansion_weight

MATCH_TIMEOUT_SECONDS: Final = 0.1
"""The longest one value's match against one field's pattern may take."""

MAX_PATTERN_WEIGHT: Final = 200_000
"""The most a profile's patterns may weigh together (`pattern_cost`): ~0.1 s of compiling."""

_FLAGS: Final = regex.V1

_ASCII_CLASSES: Final = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[a-zA-Z0-9_]",
    "W": "[^a-zA-Z0-9_]",
    "s": "[ \\t\\n\\x0B\\f\\r]",
    "S": "[^ \\t\\n\\x0B\\f\\r]",
}
"""Java's default meaning of each shorthand class."""


class InvalidPattern(Exception):
    """A pattern that does not compile, or would cost too much to compile."""


class PatternTimeout(Exception):
    """A match took longer than its limit (the pattern backtracks catastrophically)."""


@dataclass(frozen=True)
class JavaPattern:
    """A compiled profile pattern; `source` is the text exactly as the profile wrote it."""

    source: str
    compiled: Any = field(compare=False, repr=False)
    weight: int = field(default=0, compare=False, repr=False)

    @classmethod
    def compile(cls, source: str, *, budget: int = MAX_PATTERN_WEIGHT) -> JavaPattern:
        """Compile a Java pattern weighing at most `budget`; else `InvalidPattern`."""
        python_form = _as_python(source)
        weight = expansion_weight(python_form, budget)
        if weight > budget:
            raise InvalidPattern(
                f"too complex: its counted repeats expand past {budget} nodes"
                " (what the profile's patterns may take together)"
            )
        try:
            return cls(source, regex.compile(python_form, _FLAGS), weight)
        except (regex.error, RecursionError, OverflowError) as malformed:
            raise InvalidPattern(str(malformed) or type(malformed).__name__) from malformed

    def matches(self, value: str, *, timeout: float = MATCH_TIMEOUT_SECONDS) -> bool:
        """Java's `value.matches(pattern)`; `PatternTimeout` if it takes over `timeout` s."""
        try:
            return self.compiled.fullmatch(value, timeout=timeout) is not None
        except TimeoutError as timed_out:
            raise PatternTimeout(self.source) from timed_out


def _as_python(source: str) -> str:
    """Rewrite `\\Q...\\E` (literal up to `\\E` or the end) and ASCII shorthand classes."""
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char != "\\" or index + 1 == len(source):
            out.append(char)
            index += 1
            continue
        if source[index + 1] != "Q":
            pair = source[index : index + 2]
            out.append(_ASCII_CLASSES.get(pair[1], pair))
            index += 2
            continue
        end = source.find("\\E", index + 2)
        quoted = source[index + 2 :] if end < 0 else source[index + 2 : end]
        out.append(regex.escape(quoted))
        index = len(source) if end < 0 else end + 2
    return "".join(out)
