"""An item's resources: create, read, PUT, PATCH, DELETE, and who may."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Role
from fairdepot.services.gcat import items, resources
from tests.services.gcat.conftest import actor_with


def test_resource_lifecycle(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    items.create(runtime, ed, {"name": "rivers", "license_id": "cc-by"})
    made = resources.create(runtime, ed, "rivers", {"url": "https://example.org/a", "name": "a"})
    rid = made["id"]
    assert resources.show(runtime, ed, "rivers", rid)["name"] == "a"
    assert [r["id"] for r in resources.listing(runtime, ed, "rivers")] == [rid]
    patched = resources.update(runtime, ed, "rivers", rid, {"name": "b"}, patch=True)
    assert (patched["name"], patched["url"]) == ("b", "https://example.org/a")
    put = resources.update(runtime, ed, "rivers", rid, {"url": "https://example.org/c"})
    assert put["url"] == "https://example.org/c"
    assert put["name"] != "b"
    with pytest.raises(InvalidInput, match="does not match"):
        resources.update(runtime, ed, "rivers", rid, {"id": "other", "url": "https://x.org/"})
    with pytest.raises(InvalidInput, match="url"):
        resources.create(runtime, ed, "rivers", {"name": "no url"})
    resources.delete(runtime, ed, "rivers", rid)
    assert resources.listing(runtime, ed, "rivers") == []
    with pytest.raises(NotFound):
        resources.show(runtime, ed, "rivers", rid)
    with pytest.raises(NotFound):
        resources.delete(runtime, ed, "rivers", rid)


def test_only_those_who_change_the_item_change_its_resources(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    items.create(runtime, ed, {"name": "rivers", "license_id": "cc-by"})
    rid = resources.create(runtime, ed, "rivers", {"url": "https://example.org/a"})["id"]
    for role in (Role.MEMBER, Role.EDITOR):
        other = actor_with(runtime, f"o-{role.value}", role)
        assert resources.show(runtime, other, "rivers", rid)["id"] == rid
        with pytest.raises(PermissionDenied):
            resources.create(runtime, other, "rivers", {"url": "https://example.org/b"})
        with pytest.raises(PermissionDenied):
            resources.delete(runtime, other, "rivers", rid)
    admin = actor_with(runtime, "ad", Role.ADMIN)
    resources.delete(runtime, admin, "rivers", rid)
