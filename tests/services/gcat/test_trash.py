"""gCat's trash: own by default, everything one may delete with own_only=false, emptied at once."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import NotFound
from fairdepot.core.policy import Role
from fairdepot.services.gcat import items, trash
from fairdepot.services.gcat.listing import Listing
from tests.services.gcat.conftest import actor_with


def test_own_trash_and_everything_an_admin_may_delete(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    other = actor_with(runtime, "ot", Role.EDITOR)
    admin = actor_with(runtime, "ad", Role.ADMIN)
    for actor, name in ((ed, "rivers"), (other, "lakes"), (admin, "seas")):
        items.create(runtime, actor, {"name": name, "license_id": "cc-by"})
        items.delete(runtime, actor, name)
    everything = Listing(limit=None)
    assert trash.listing(runtime, ed, everything) == ["rivers"]
    assert trash.listing(runtime, ed, everything, own_only=False) == ["rivers"]  # no more
    assert trash.listing(runtime, admin, everything) == ["seas"]
    assert trash.listing(runtime, admin, everything, own_only=False) == ["rivers", "lakes", "seas"]
    assert trash.listing(runtime, admin, Listing(count=True), own_only=False) == 3

    assert len(trash.empty(runtime, ed)) == 1
    with pytest.raises(NotFound):
        items.show(runtime, ed, "rivers")
    items.create(runtime, ed, {"name": "rivers", "license_id": "cc-by"})  # the name is free
    trash.empty(runtime, admin, own_only=False)
    assert trash.listing(runtime, admin, everything, own_only=False) == []


def test_bulk_delete_and_purge_of_items(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    other = actor_with(runtime, "ot", Role.EDITOR)
    admin = actor_with(runtime, "ad", Role.ADMIN)
    for actor, name in ((ed, "rivers"), (ed, "lakes"), (other, "seas")):
        items.create(runtime, actor, {"name": name, "license_id": "cc-by"})
    assert len(trash.remove_items(runtime, ed, own_only=False)) == 2  # not others' items
    assert trash.listing(runtime, ed, Listing(limit=None)) == ["rivers", "lakes"]
    assert items.show(runtime, other, "seas")["state"] == "active"
    assert len(trash.remove_items(runtime, admin, own_only=False, purge=True)) == 1
    with pytest.raises(NotFound):
        items.show(runtime, other, "seas")
    items.create(runtime, other, {"name": "seas", "license_id": "cc-by"})  # the name is free
