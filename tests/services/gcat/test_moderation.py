"""gCat moderation of items (reference §5) on the core's moderation state."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Role
from fairdepot.services import organizations as core_organizations
from fairdepot.services.gcat import item_listing, items, moderation
from fairdepot.services.gcat.listing import Listing
from tests.services.gcat.conftest import actor_with


@pytest.fixture
def moderated(runtime) -> str:
    core_organizations.add_organization(runtime, "watched", moderated=True)
    return "watched"


def status(package: dict) -> str | None:
    return next(
        (e["value"] for e in package["extras"] if e["key"] == "system:cm_item_status"), None
    )


def names(runtime, actor, **search) -> list[str]:
    found = item_listing.listing(
        runtime, actor, Listing(limit=None), item_listing.ItemSearch(**search)
    )
    assert isinstance(found, list)
    return found


def body(name: str, **fields) -> dict:
    return {"name": name, "license_id": "cc-by", **fields}


def test_an_item_of_a_moderated_organization_waits_for_a_moderator(runtime, moderated) -> None:
    author = actor_with(runtime, "au", Role.EDITOR, moderated)
    mod = actor_with(runtime, "md", Role.MODERATOR, moderated)
    member = actor_with(runtime, "mb", Role.MEMBER, moderated)
    _, package = items.create(runtime, author, body("rivers"))
    assert status(package) == "pending"
    assert status(items.show(runtime, mod, "rivers")) == "pending"
    with pytest.raises(NotFound):
        items.show(runtime, member, "rivers")
    assert names(runtime, mod, status="pending") == ["rivers"]
    assert names(runtime, member) == []

    approved = moderation.moderate(
        runtime, mod, "rivers", {"cm_item_status": "approved", "message": "fine"}
    )
    assert approved is not None
    assert status(approved) == "approved"
    assert status(items.show(runtime, member, "rivers")) == "approved"
    assert names(runtime, mod, status="approved") == ["rivers"]
    assert names(runtime, mod, status="pending") == []

    again = items.update(runtime, author, "rivers", {"notes": "more"}, patch=True)
    assert status(again) == "pending"  # an update by the author asks again


def test_a_rejection_and_messages(runtime, moderated) -> None:
    author = actor_with(runtime, "au", Role.EDITOR, moderated)
    mod = actor_with(runtime, "md", Role.MODERATOR, moderated)
    items.create(runtime, author, body("rivers"))
    rejected = moderation.moderate(runtime, mod, "rivers", {"cm_item_status": "rejected"})
    assert rejected is not None
    assert status(rejected) == "rejected"
    assert moderation.moderate(runtime, author, "rivers", {"message": "why?"}) is None
    assert moderation.moderate(runtime, mod, "rivers", {"message": "see above"}) is None
    assert status(items.show(runtime, author, "rivers")) == "rejected"  # messages keep it


def test_refusals(runtime, moderated, lab) -> None:
    author = actor_with(runtime, "au", Role.EDITOR, moderated)
    admin = actor_with(runtime, "ad", Role.ADMIN, moderated)
    mod = actor_with(runtime, "md", Role.MODERATOR, moderated)
    items.create(runtime, author, body("rivers"))
    with pytest.raises(PermissionDenied):
        moderation.moderate(runtime, author, "rivers", {"cm_item_status": "approved"})
    with pytest.raises(InvalidInput, match="approved or rejected"):
        moderation.moderate(runtime, mod, "rivers", {"cm_item_status": "maybe"})
    with pytest.raises(InvalidInput):
        moderation.moderate(runtime, mod, "rivers", {})
    with pytest.raises(InvalidInput, match="approved or rejected"):  # not text: no TypeError
        moderation.moderate(runtime, mod, "rivers", {"cm_item_status": ["approved"]})
    plain_author = actor_with(runtime, "pl", Role.EDITOR, lab)
    items.create(runtime, plain_author, body("lakes"))
    with pytest.raises(InvalidInput, match="not moderated"):
        moderation.moderate(runtime, plain_author, "lakes", {"cm_item_status": "approved"})
    with pytest.raises(InvalidInput):
        item_listing.listing(runtime, admin, Listing(), item_listing.ItemSearch(status="waiting"))
