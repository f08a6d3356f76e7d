"""gCat's user use cases: who lists, reads, creates, updates and deactivates accounts."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import (
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from fairdepot.core.policy import Membership, Role
from fairdepot.services import accounts, organizations
from fairdepot.services.gcat import users
from fairdepot.services.gcat.listing import Listing
from tests.services.gcat.conftest import actor_with

NEW = {"name": "newcomer", "email": "new@example.org", "password": "abcd", "fullname": "N. C."}


def test_an_admin_creates_a_user_who_can_log_in(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    view = users.create(runtime, admin, NEW)
    assert view.document()["email"] == "new@example.org"
    assert view.document()["fullname"] == "N. C."
    logged_in = accounts.authenticate(runtime, "newcomer", "abcd")
    assert logged_in.id == view.user.id
    with pytest.raises(Conflict, match="That login name is not available"):
        users.create(runtime, admin, {**NEW, "email": "other@example.org"})
    with pytest.raises(Conflict, match="email"):
        users.create(runtime, admin, {**NEW, "name": "another"})
    with pytest.raises(InvalidInput):
        users.create(runtime, admin, {**NEW, "name": "short-pw", "password": "abc"})


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EDITOR, Role.MODERATOR])
def test_below_admin_one_sees_and_changes_only_ones_own_account(runtime, lab, role) -> None:
    actor = actor_with(runtime, "bo", role)
    actor_with(runtime, "cy", Role.MEMBER)
    with pytest.raises(PermissionDenied):
        users.listing(runtime, actor, Listing())
    with pytest.raises(PermissionDenied):
        users.create(runtime, actor, NEW)
    with pytest.raises(PermissionDenied):
        users.show(runtime, actor, "cy")
    with pytest.raises(PermissionDenied):
        users.delete(runtime, actor, "cy")
    own = users.show(runtime, actor, "bo").document()
    assert own["email"] == "bo@example.org"
    changed = users.update(runtime, actor, "bo", {"name": "bo", "about": "me"})
    assert changed.document()["about"] == "me"


def test_admins_see_emails_but_may_not_change_an_administrators_account(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    actor_with(runtime, "op", None, admin=True)
    seen = users.show(runtime, admin, "op").document()
    assert seen["sysadmin"] is True
    assert "email" not in seen
    with pytest.raises(PermissionDenied):
        users.update(runtime, admin, "op", {"name": "op", "fullname": "x"})
    with pytest.raises(PermissionDenied):
        users.delete(runtime, admin, "op")
    assert users.show(runtime, admin, "ann").document()["email"] == "ann@example.org"


def test_deleting_deactivates_the_account_its_name_stays_taken(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    users.create(runtime, admin, NEW)
    organizations.set_memberships(runtime, "newcomer", [Membership(lab, Role.EDITOR)])
    token = accounts.create_api_token(runtime, "newcomer")
    users.delete(runtime, admin, "newcomer")
    assert users.show(runtime, admin, "newcomer").document()["state"] == "deleted"
    assert "newcomer" not in users.listing(runtime, admin, Listing(limit=None))
    with pytest.raises(AuthenticationRequired):
        accounts.user_for_token(runtime, token)
    with pytest.raises(AuthenticationRequired):
        accounts.authenticate(runtime, "newcomer", "abcd")
    with pytest.raises(Conflict):
        users.create(runtime, admin, {**NEW, "email": "again@example.org"})
    with pytest.raises(NotFound):
        users.delete(runtime, admin, "newcomer")


def test_an_update_changes_the_password_only_when_sent(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    users.create(runtime, admin, NEW)
    organizations.set_memberships(runtime, "newcomer", [Membership(lab, Role.EDITOR)])
    users.update(runtime, admin, "newcomer", {"name": "newcomer", "fullname": "Renamed"})
    accounts.authenticate(runtime, "newcomer", "abcd")
    users.update(runtime, admin, "newcomer", {"name": "newcomer", "password": "efgh"})
    accounts.authenticate(runtime, "newcomer", "efgh")
    shown = users.show(runtime, admin, "newcomer").document()
    assert shown["fullname"] == ""  # a PUT replaces: no fullname sent, none kept


def test_the_user_listing_pages_by_rows_and_counts(runtime, lab) -> None:
    admin = actor_with(runtime, "ann", Role.ADMIN)
    for name in ("u1", "u2", "u3"):
        actor_with(runtime, name, None)
    everyone = users.listing(runtime, admin, Listing(limit=None))
    assert everyone == sorted(everyone)
    assert {"ann", "u1", "u2", "u3"} <= set(everyone)
    assert users.listing(runtime, admin, Listing(limit=2, offset=1)) == everyone[1:3]
    assert users.listing(runtime, admin, Listing(count=True)) == len(everyone)


def test_an_admin_may_not_take_over_an_account_beyond_their_organization(runtime, lab) -> None:
    """A new e-mail and password is the account (the review found an Admin of one
    organization resetting a Manager's password elsewhere)."""
    organizations.add_organization(runtime, "other")
    admin = actor_with(runtime, "ann", Role.ADMIN)
    users.create(runtime, admin, NEW)  # no role yet: any FAIRSCAPE user looks like this
    takeover = {"name": "newcomer", "email": "attacker@example.org", "password": "owned"}
    with pytest.raises(PermissionDenied):
        users.update(runtime, admin, "newcomer", takeover)
    organizations.set_memberships(runtime, "newcomer", [Membership("other", Role.MANAGER)])
    with pytest.raises(PermissionDenied):
        users.update(runtime, admin, "newcomer", takeover)
    with pytest.raises(PermissionDenied):
        users.delete(runtime, admin, "newcomer")
    accounts.authenticate(runtime, "newcomer", "abcd")
