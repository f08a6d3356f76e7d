"""The one way untrusted JSON enters the catalogue: strict numbers, bounded nesting and lengths.

Python's `json` accepts `NaN`, `Infinity` and `-Infinity`, turns `1e999` into infinity, and
parses a 5,000-digit integer only to fail later when it is printed; a document nested 100,000
deep overflows the parser's stack, and one nested 600 deep overflows the recursive code that
walks it afterwards (planning, RDF, serialisation). None of these can be written back as JSON,
so a document holding one would be stored and then fail every read. Text (keys too) may hold
neither U+0000 (PostgreSQL cannot store it) nor an unpaired surrogate such as `"\\ud800"`
(nothing encodes it as UTF-8: core/unicode_text.py). Every face and the crate
reader parse through :func:`load_json` (or check a decoded value with :func:`check_json`), and
every refusal says where in the document the offending value is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.unicode_text import escape_surrogates, has_surrogate

JsonPath = tuple[str | int, ...]
Locator = Callable[[Any, JsonPath], str]  # (document, path inside it) -> where, for a user
_MAX_PROBLEMS = 20
_SHOWN_STEPS = 8
_LOG10_2 = math.log10(2)
_BRACKETS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


@dataclass(frozen=True)
class JsonLimits:
    """How deep and how long a number an accepted document may be (settings in config.py)."""

    max_depth: int = 256
    max_number_length: int = 100


@dataclass(frozen=True)
class _Refused:
    """Stands in, during parsing, for a number that cannot be kept; reported with its path."""

    reason: str


DEFAULT_LIMITS = JsonLimits()


def format_path(path: JsonPath) -> str:
    """`("author", 0, "name")` -> `author[0].name`; the top level is `(top level)`. A key
    holding a lone surrogate is shown escaped, so the location can always be sent."""
    if len(path) > _SHOWN_STEPS:  # a path into deep nesting: its start and how deep it goes
        return f"{format_path(path[:_SHOWN_STEPS])}…({len(path)} levels deep)"
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            key = escape_surrogates(step)
            text += f".{key}" if text else key
    return text or "(top level)"


def path_locator(source: str | None = None) -> Locator:
    """Locations as a path, after `source` (a file or form field) when there is one.

    A JSON-LD `@graph` member is named by its `@id` as well as its index (`@graph[2] "./"
    author[0].name`), which is how users find an entity in their file.
    """

    def locate(document: Any, path: JsonPath) -> str:
        where = _graph_path(document, path) or format_path(path)
        return f"{source}: {where}" if source else where

    return locate


def _graph_path(document: Any, path: JsonPath) -> str | None:
    if len(path) < 2 or path[0] != "@graph" or not isinstance(path[1], int):
        return None
    graph = document.get("@graph") if isinstance(document, dict) else None
    entity = graph[path[1]] if isinstance(graph, list) and path[1] < len(graph) else None
    entity_id = entity.get("@id") if isinstance(entity, dict) else None
    if not isinstance(entity_id, str):
        return None
    where = f'@graph[{path[1]}] "{escape_surrogates(entity_id)}"'
    return f"{where} {format_path(path[2:])}" if path[2:] else where


def load_json(
    raw: bytes | str,
    limits: JsonLimits = DEFAULT_LIMITS,
    *,
    source: str | None = None,
    locate: Locator | None = None,
) -> Any:
    """Parse untrusted JSON text, refusing what could not be stored and written back.

    `source` names the text in messages about positions (`line 3 column 7`); `locate` turns a
    path inside the parsed document into a location (by default the path itself).
    """
    prefix = f"{source}: " if source else ""
    try:
        document = json.loads(
            raw,
            parse_constant=_refuse_constant,
            parse_int=lambda text: _number(text, int, limits),
            parse_float=lambda text: _number(text, float, limits),
        )
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        raise InvalidInput(message, problems=[Problem(message, source)]) from None
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise InvalidInput(message, problems=[Problem(message, source)]) from exc
    except RecursionError:  # deeper than the parser's own stack: find where, without it
        where = _too_deep_at(raw if isinstance(raw, bytes) else raw.encode(), limits.max_depth)
        message = f"nested deeper than {limits.max_depth} levels"
        raise InvalidInput(message, problems=[Problem(message, f"{prefix}{where}")]) from None
    check_json(document, limits, locate=locate or path_locator(source))
    return document


def check_json(
    value: Any, limits: JsonLimits = DEFAULT_LIMITS, *, locate: Locator | None = None
) -> None:
    """Refuse a decoded value holding non-finite or over-long numbers, or nested too deep.

    For documents that reached us already decoded (a face's framework, a Python caller); it
    walks without recursion, so any depth is safe to check.
    """
    locate = locate or path_locator()
    problems = [Problem(reason, locate(value, path)) for path, reason in _faults(value, limits)]
    if problems:
        shown = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidInput(f"{shown}{more}", problems=problems)


def _faults(value: Any, limits: JsonLimits) -> Iterator[tuple[JsonPath, str]]:
    found = 0
    stack: list[tuple[Any, JsonPath]] = [(value, ())]
    while stack and found < _MAX_PROBLEMS:
        item, path = stack.pop()
        reason = _fault(item, limits)
        if reason is None and isinstance(item, dict | list):
            if len(path) + 1 > limits.max_depth:
                reason = f"nested deeper than {limits.max_depth} levels"
            else:
                pairs = item.items() if isinstance(item, dict) else enumerate(item)
                bad_keys = _bad_keys(item) if isinstance(item, dict) else []
                if bad_keys:  # named by the key's own (escaped) path; its value is not walked
                    for key, key_reason in bad_keys[: _MAX_PROBLEMS - found]:
                        found += 1
                        yield (*path, key), f"a key: {key_reason}"
                    continue
                children = [(child, (*path, key)) for key, child in pairs]
                stack.extend(reversed(children))  # report in document order
                continue
        if reason is not None:
            found += 1
            yield path, reason


# PostgreSQL can store no U+0000 in text or jsonb, and no client means one in metadata.
_NUL = "text may not contain the NUL character (\\u0000)"
# A lone surrogate (JSON's "\ud800") has no UTF-8 form: no database, response or log takes it.
SURROGATE = "text may not contain an unpaired surrogate (such as \\ud800)"


def _text_fault(text: str) -> str | None:
    if "\x00" in text:
        return _NUL
    if has_surrogate(text):
        return SURROGATE
    return None


def _bad_keys(item: dict[Any, Any]) -> list[tuple[str, str]]:
    faults = ((key, _text_fault(key)) for key in item if isinstance(key, str))
    return [(key, reason) for key, reason in faults if reason]


def _fault(item: Any, limits: JsonLimits) -> str | None:
    if isinstance(item, _Refused):
        return item.reason
    if isinstance(item, str):
        return _text_fault(item)
    if isinstance(item, float) and not math.isfinite(item):
        return "not a JSON number (NaN and infinities cannot be written as JSON)"
    if isinstance(item, int) and not isinstance(item, bool):
        # at least this many digits, counted without str() (it refuses over 4,300 digits)
        digits = int((abs(item).bit_length() - 1) * _LOG10_2) + 1
        if digits > limits.max_number_length:
            return f"a number longer than {limits.max_number_length} characters"
    return None


def _refuse_constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a JSON number")


def _number(text: str, kind: type[int] | type[float], limits: JsonLimits) -> Any:
    if len(text) > limits.max_number_length:
        return _Refused(
            f"a number of {len(text)} characters, over the limit of {limits.max_number_length}"
        )
    number = kind(text)
    if isinstance(number, float) and not math.isfinite(number):
        return _Refused(f"{text} is out of the range of JSON numbers we can keep")
    return number


def _too_deep_at(raw: bytes, max_depth: int) -> str:
    """`line L column C` of the first bracket opening level `max_depth + 1` (strings skipped)."""
    depth = 0
    for match in _BRACKETS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                start = match.start()
                line = raw.count(b"\n", 0, start) + 1
                column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
                return f"line {line} column {column}"
        elif token in (b"]", b"}"):
            depth -= 1
    return "(top level)"
