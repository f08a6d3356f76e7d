"""What every gCat listing takes: `limit`, `offset` and `count`, and the policy check each
use case asks for, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fairdepot.core.errors import AuthenticationRequired, PermissionDenied
from fairdepot.core.policy import Action, Actor, Target, allows

DEFAULT_LIMIT = 10
ITEMS_LIMIT_CAP = 1000
"""CKAN's hard maximum of `package_search` rows: an item listing never gives more at once."""


@dataclass(frozen=True)
class Listing:
    """One listing request. `limit` None is "all" (gCat's `limit=-1`, or any `limit <= 0`).

    `offset` means rows to skip for organizations, groups and users (CKAN's `offset`), and a
    page number for items (gCat 1.x: `start = offset * limit`): `rows()` and `page()`.
    """

    limit: int | None = DEFAULT_LIMIT
    offset: int = 0
    count: bool = False

    def rows(self) -> tuple[int, int | None]:
        """(rows to skip, at most how many) with `offset` counted in rows."""
        return self.offset, self.limit

    def page(self, cap: int = ITEMS_LIMIT_CAP) -> tuple[int, int]:
        """(rows to skip, at most how many) with `offset` a page number, `limit` capped."""
        size = cap if self.limit is None else min(self.limit, cap)
        return self.offset * size, size


Listed = list[str] | int
"""A listing's answer: the names of one page, or (`count=true`) how many there are in all."""


class ActiveNames(Protocol):
    """A repository of named things some of which are deleted (organizations, collections)."""

    def active_names(self, offset: int, limit: int | None) -> list[str]: ...

    def count_active(self) -> int: ...


def listed_names(names: ActiveNames, request: Listing) -> Listed:
    """The page of names not deleted (`offset` in rows), or (`count`) how many there are."""
    if request.count:
        return names.count_active()
    return names.active_names(*request.rows())


def require(actor: Actor, action: Action, target: Target, refusal: str) -> None:
    """Ask the policy; an anonymous caller is told to authenticate (401), another refused
    (403, `refusal`)."""
    if allows(actor, action, target):
        return
    if actor.is_anonymous:
        raise AuthenticationRequired()
    raise PermissionDenied(refusal)
