"""The ERC kernel (who/what/when/where) that answers an ARK's `?info` inflection, as ANVL.

It is produced from whatever metadata a record holds: an author may be text, an object whose
`name` is a number, null or another object, a list of any of these. What cannot be read as
text is left out, and a field with nothing readable says `(:unav)`, as the ERC spec asks.
"""

from __future__ import annotations

import re
from typing import Any

from fairdepot.core.records import Record

UNAVAILABLE = "(:unav)"
_MAX_PEOPLE = 50
_MAX_NESTING = 4


def readable_text(value: Any, depth: int = 0) -> str | None:
    """Text a person would read for a value: a string, a number, an object's name or @id."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or value is None or depth > _MAX_NESTING:
        return None
    if isinstance(value, int):
        return str(value) if abs(value).bit_length() <= 256 else None
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        for key in ("name", "@value", "@id"):
            if found := readable_text(value.get(key), depth + 1):
                return found
        return None
    if isinstance(value, list):
        names = [n for v in value[:_MAX_PEOPLE] if (n := readable_text(v, depth + 1))]
        return "; ".join(names) or None
    return None


def erc_kernel(record: Record, base_url: str) -> str:
    """ERC kernel plus the persistence commitment (erc-support), one ANVL line per element."""
    meta = record.metadata
    who = readable_text(meta.get("author")) or record.owner_username or UNAVAILABLE
    when = (
        readable_text(meta.get("datePublished"))
        or readable_text(meta.get("dateCreated"))
        or (record.created_at.date().isoformat() if record.created_at else UNAVAILABLE)
    )
    where = f"{base_url}/api/{record.ark}"
    lines = [
        "erc:",
        f"who: {who}",
        f"what: {record.name or UNAVAILABLE}",
        f"when: {when}",
        f"where: {where}",
        "erc-support:",
        "who: fairdepot",
        "what: Permanent: Stable Content; the identifier is never reassigned and a deleted "
        "object leaves a tombstone",
        f"when: {record.created_at.isoformat() if record.created_at else ''}",
        f"where: {where}",
    ]
    return "\n".join(re.sub(r"\s+", " ", line) for line in lines) + "\n"
