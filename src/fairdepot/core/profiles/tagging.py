"""The tags and groups a profile field's value gives an item (reference §8, tagging, grouping)."""

from __future__ import annotations

import re
from typing import Final

from fairdepot.core.profiles.model import DerivationRule, ProfileField

MAX_TAG_CHARS: Final = 100
"""gCat cuts a derived tag to CKAN's longest tag name."""

_NOT_NAME_CHAR: Final = re.compile(r"[^A-Za-z0-9-]")
_DASHES: Final = re.compile(r"-+")
_JAVA_TRIMMED: Final = "".join(chr(code) for code in range(0x21))
"""Java's `String.trim` removes every character up to and including the space."""


def group_name_from_title(title: str) -> str:
    """gCube's `fromGroupTitleToName`: the CKAN group name a derived group title stands for.

    Trimmed, each character outside `A-Z a-z 0-9 -` becomes `-`, runs of `-` become one,
    lower-cased, and the leading and trailing `-` removed: "Italy" -> "italy",
    " Sea & Ocean " -> "sea-ocean".
    """
    dashed = _NOT_NAME_CHAR.sub("-", title.strip(_JAVA_TRIMMED))
    return _DASHES.sub("-", dashed).lower().strip("-")


def tag_for(field: ProfileField, value: str) -> str | None:
    """The tag a value adds, or None when the field has no tagging.

    A tag is added whatever `create` says (gCat ignores it), even for an empty value (CKAN
    then refuses the too-short tag when the item is stored); the name is unqualified.
    """
    tagging = field.tagging
    if tagging is None:
        return None
    name, separator = field.name, tagging.separator
    tag = {
        DerivationRule.ON_FIELD_NAME: name,
        DerivationRule.ON_VALUE: value,
        DerivationRule.ON_FIELD_NAME_ON_VALUE: name + separator + value,
        DerivationRule.ON_VALUE_ON_FIELD_NAME: value + separator + name,
    }[tagging.rule]
    return tag[:MAX_TAG_CHARS]


def group_titles_for(field: ProfileField, value: str) -> list[str]:
    """The titles of the groups a value puts the item in (none for an empty value's part).

    The two combined rules give two groups, one titled by the field's name and one by the
    value, not one concatenated title.
    """
    grouping = field.grouping
    if grouping is None:
        return []
    titles: list[str] = []
    if grouping.rule is not DerivationRule.ON_VALUE:
        titles.append(field.name)
    if grouping.rule is not DerivationRule.ON_FIELD_NAME and value and value not in titles:
        titles.append(value)
    return titles
