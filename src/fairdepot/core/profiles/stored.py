"""A profile as an organization keeps it: its name (the profile's `type`), the XML as it was
uploaded, and when it was first stored and last replaced.

What is stored is only the text; `Profile` (model.py) is what parsing it gives. A profile
name is bounded here, not by the column (SQLite ignores widths, PostgreSQL refuses them
mid-transaction), and a name that cannot be stored names no profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

MAX_PROFILE_NAME_CHARS: Final = 400
"""The longest profile type kept (real ones are a few words: "SoBigData.eu: Dataset Metadata")."""


@dataclass(frozen=True)
class StoredProfile:
    organization: str
    name: str
    xml: str
    created: datetime
    updated: datetime


def storable_name(name: str) -> bool:
    """Whether `name` could be a stored profile's: non-empty, bounded, no NUL (which XML
    cannot hold and PostgreSQL text cannot store), so a lookup need not ask the database."""
    return 0 < len(name) <= MAX_PROFILE_NAME_CHARS and "\x00" not in name
