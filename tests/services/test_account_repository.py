"""The account repository: core types out, and no U+0000 ever sent to the database.

PostgreSQL text cannot hold NUL: a query with one fails. Faces refuse it in every field; the
repository answers "no such account" for it too, so that no other caller (a CLI, a later face)
can turn a stray NUL into a 500.
"""

from __future__ import annotations

import pytest

from fairdepot.core.accounts import User
from fairdepot.services import accounts
from fairdepot.services.uow import read_only, unit_of_work


@pytest.fixture
def alice(runtime) -> User:
    return accounts.add_user(runtime, "alice", "alice@example.org", "alice-pw", ["lab", "lab"])


def test_users_come_back_as_core_users_with_their_groups_in_order(runtime, alice) -> None:
    assert isinstance(alice, User)
    assert alice.groups == ["lab"]
    with read_only(runtime) as work:
        assert work.accounts.get(alice.id) == alice
        assert work.accounts.by_username("alice") == alice
        found = work.accounts.credentials("alice@example.org")
    assert found is not None
    assert found.user == alice
    assert found.password_hash
    assert found.password_hash.startswith("$argon2")


@pytest.mark.parametrize("text", ["ali\x00ce", "alice\x00", "\x00"])
def test_a_nul_bearing_login_id_or_token_finds_no_account(runtime, alice, text) -> None:
    with read_only(runtime) as work:
        assert work.accounts.credentials(text) is None
        assert work.accounts.by_username(text) is None
        assert work.accounts.get(text) is None
        assert work.accounts.user_for_token(text) is None
        assert work.accounts.by_ids([text, alice.id]) == {alice.id: alice}


def test_an_api_token_is_found_by_its_hash_only(runtime, alice) -> None:
    with unit_of_work(runtime) as work:
        token = work.accounts.add_token(alice, "ab" * 32, "ci")
    assert token.user_id == alice.id
    assert token.revoked_at is None
    with read_only(runtime) as work:
        assert work.accounts.user_for_token("ab" * 32) == alice
        assert work.accounts.user_for_token("cd" * 32) is None
