"""What every gCat listing takes: rows for organizations/groups/users, pages for items."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import AuthenticationRequired, PermissionDenied
from fairdepot.core.policy import ANONYMOUS, AccountTarget, Action, Actor
from fairdepot.services.gcat.listing import ITEMS_LIMIT_CAP, Listing, require


def test_rows_skip_offset_rows_and_all_means_no_limit() -> None:
    assert Listing(limit=5, offset=3).rows() == (3, 5)
    assert Listing(limit=None, offset=3).rows() == (3, None)
    assert Listing().rows() == (0, 10)


def test_pages_skip_offset_pages_and_are_capped_like_ckan() -> None:
    assert Listing(limit=5, offset=3).page() == (15, 5)
    assert Listing(limit=None, offset=2).page() == (2 * ITEMS_LIMIT_CAP, ITEMS_LIMIT_CAP)
    assert Listing(limit=5000, offset=1).page() == (ITEMS_LIMIT_CAP, ITEMS_LIMIT_CAP)


def test_require_tells_anonymous_callers_to_authenticate_and_others_no() -> None:
    with pytest.raises(AuthenticationRequired):
        require(ANONYMOUS, Action.READ_METADATA, AccountTarget(None), "no")
    with pytest.raises(PermissionDenied, match="not you"):
        require(Actor(user_id="u", username="u"), Action.CREATE, AccountTarget(None), "not you")
    require(Actor(user_id="u", username="u"), Action.READ_METADATA, AccountTarget("u"), "own")
