"""Every value inside a record's documents, as (path, typed value) pairs: what queries match.

`storage` writes these into an indexed table beside the record (docs/architecture.md, "The
query layer"); the pure-Python evaluation in the tests reads the same pairs, so the SQL and the
meaning of a query are defined in one place.

Paths are dotted, document first (`native.scientificMetadata.temperature.value`); array elements
share their array's path (so a path matches if any element matches). Every object and array also
gets a valueless entry, so that `exists` holds for them. A string that is an ISO 8601 date or
timestamp is also a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fairdepot.core.metadata.units import to_si
from fairdepot.core.query import index_text

MAX_VALUES_PER_RECORD = 20_000
"""A bound on index rows per record; values past it are not indexed (text search still is)."""
NATIVE_COMPLETE_PATH = "metadata"
"""The path whose (valueless) row says that every value of a record's native document is
indexed: `document_values` walks the native document first and the metadata's root comes
right after it, so a record cut off at MAX_VALUES_PER_RECORD inside its native document has
no row here (nor has one without metadata: read as "maybe cut off"). A lookup that must not
miss a value (storage/db/child_listings.py) reads the documents of records without it."""
MAX_STORED_PATH = 1000
"""Paths longer than this (in UTF-8 bytes) are not indexed (see MAX_TEXT_BYTES)."""

_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?"
)


@dataclass(frozen=True)
class DocumentValue:
    path: str
    number: float | None = None
    text: str | None = None
    boolean: bool | None = None
    time: datetime | None = None


@dataclass(frozen=True)
class DocumentPath:
    """One distinct path of some records' values, below a prefix the reader chose: whether any
    value there is truthy or a string (SciCat reads a `unit` key by that)."""

    path: str
    truthy: bool = False


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 date or timestamp as a UTC instant (no zone means UTC), else None."""
    if len(text) > 40 or not _TIMESTAMP.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def scalar_value(path: str, value: Any) -> DocumentValue:
    """The indexed form of one leaf (None for JSON null: present, but no value)."""
    if isinstance(value, bool):
        return DocumentValue(path, boolean=value)
    if isinstance(value, int | float):
        try:
            return DocumentValue(path, number=float(value))
        except OverflowError:  # an integer beyond a double's range: present, not comparable
            return DocumentValue(path)
    if isinstance(value, str):
        return DocumentValue(path, text=index_text(value), time=parse_timestamp(value))
    return DocumentValue(path)


def document_values(native: Any, metadata: Any) -> list[DocumentValue]:
    """Every indexed value of a record, in document order, at most MAX_VALUES_PER_RECORD."""
    found: list[DocumentValue] = []
    for document, name in ((native, "native"), (metadata, "metadata")):
        if document is None:
            continue
        for item in _walk(name, document):
            if len(found) >= MAX_VALUES_PER_RECORD:
                return found
            found.append(item)
    return found


def _walk(path: str, node: Any) -> Iterator[DocumentValue]:
    if len(path) > MAX_STORED_PATH // 4 and len(path.encode()) > MAX_STORED_PATH:
        return
    if isinstance(node, dict):
        yield DocumentValue(path)
        for key, child in node.items():
            yield from _walk(f"{path}.{key}", child)
        yield from _si_values(path, node)
    elif isinstance(node, list):
        yield DocumentValue(path)
        for child in node:
            if isinstance(child, list):
                yield from _walk(path, child)  # nested arrays flatten into one
            elif isinstance(child, dict):
                for key, grandchild in child.items():
                    yield from _walk(f"{path}.{key}", grandchild)
                yield from _si_values(path, child)
            else:
                yield scalar_value(path, child)
    else:
        yield scalar_value(path, node)


def _si_values(path: str, node: dict[str, Any]) -> Iterator[DocumentValue]:
    """`<path>.valueSI` / `<path>.unitSI` for a `{"value", "unit"}` object that lacks them."""
    value, unit = node.get("value"), node.get("unit")
    if "valueSI" in node or not isinstance(unit, str):
        return
    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    converted = to_si(float(value), unit)
    if converted is not None:
        yield DocumentValue(f"{path}.valueSI", number=converted[0])
        yield DocumentValue(f"{path}.unitSI", text=converted[1])


_STRUCTURE_KEYS = frozenset({"@id", "@type", "@context"})


def document_strings(native: Any, metadata: Any) -> Iterator[str]:
    """Every string of both documents (values, not keys), each once, for the full-text index.
    JSON-LD's structure (`@id`, `@type`, `@context`) is not text a person searches for."""
    seen: dict[str, None] = {}
    for document in (native, metadata):
        for text in _strings(document):
            seen.setdefault(text, None)
    yield from seen


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in _STRUCTURE_KEYS:
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
