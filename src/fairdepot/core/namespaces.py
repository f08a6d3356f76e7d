"""Namespaces: the facility's categories of item fields (gCat's `categoryref`).

An XML profile's field with `categoryref="contact"` is sent as the extra `contact:Name`; the
namespaces' order is the order the validated extras are sorted in. Operators set the list
(`fairdepot org namespaces --file`); `GET /gcat/namespaces` shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fairdepot.core.errors import InvalidInput, Problem

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
"""What may stand before the `:` of an extra's key: no colon, no space."""


@dataclass(frozen=True)
class Namespace:
    id: str
    title: str = ""
    description: str = ""


def parse_namespaces(data: Any) -> list[Namespace]:
    """A JSON list of `{"id", "title", "description"}` as namespaces, in its order.

    Every problem is reported with its place (`[2].id`), not only the first: an operator fixes
    the file once."""
    if not isinstance(data, list):
        raise InvalidInput(
            "namespaces must be a JSON list of {id, title, description}",
            problems=[Problem("must be a list", "")],
        )
    problems: list[Problem] = []
    parsed: list[Namespace] = []
    seen: set[str] = set()
    for index, entry in enumerate(data):
        where = f"[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem("must be an object with id, title, description", where))
            continue
        unknown = sorted(set(entry) - {"id", "title", "description", "name"})
        for key in unknown:
            problems.append(Problem("is not a namespace field", f"{where}.{key}"))
        ident = entry.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            problems.append(
                Problem("must be 1 to 100 of A-Z, a-z, 0-9, '_', '.' and '-'", f"{where}.id")
            )
            continue
        if ident in seen:
            problems.append(Problem(f"{ident!r} is given twice", f"{where}.id"))
        seen.add(ident)
        texts = {}
        for key in ("title", "description"):
            value = entry.get(key, "")
            if not isinstance(value, str):
                problems.append(Problem("must be a string", f"{where}.{key}"))
                value = ""
            texts[key] = value
        parsed.append(Namespace(ident, texts["title"], texts["description"]))
    if problems:
        raise InvalidInput("; ".join(str(p) for p in problems), problems=problems)
    return parsed
