"""CKAN's rules that more than one part of the gCat crosswalk applies: the name and tag rules,
the package's text fields, and the error of what CKAN's validation refuses (docs/crosswalks.md,
"Record ↔ CKAN package")."""

from __future__ import annotations

import re

from fairdepot.core.errors import InvalidInput, Problem

NAME_RULE = re.compile(r"[a-z0-9_-]{2,100}")
"""gCat's and CKAN's rule for item, group, organization and user names (`fullmatch` it:
`$` would let a final newline through)."""

PACKAGE_TEXT_FIELDS = (
    "notes",
    "url",
    "version",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
)
"""The CKAN package's own text fields besides `title`, in CKAN's order: a package shows each
as stored, and none of them is free for an extra's key."""

TAG_RULE = re.compile(r"[\w \-.]*")
TAG_MIN, TAG_MAX = 2, 100


class CkanValidationError(InvalidInput):
    """What CKAN's own validation refuses: gCat forwards CKAN's 409 (reference §1), so the
    gCat face answers 409 for this subclass and 400 for every other `InvalidInput`."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("Validation Error", problems=problems)


def tag_problem(name: str) -> str | None:
    """CKAN's words for a tag name it refuses (2..100 of letters, digits, `_`, space, `-`,
    `.`), or None for a good one."""
    if len(name) < TAG_MIN:
        return f'Tag "{name}" length is less than minimum {TAG_MIN}'
    if len(name) > TAG_MAX:
        return f'Tag "{name}" length is more than maximum {TAG_MAX}'
    if not TAG_RULE.fullmatch(name):
        return f'Tag "{name}" must be alphanumeric characters or symbols: -_.'
    return None
