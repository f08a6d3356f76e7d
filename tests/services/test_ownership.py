"""Ownership and visibility decided in services, below any face."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import Conflict
from fairdepot.core.policy import ANONYMOUS
from fairdepot.core.records import Access, Face, Record
from fairdepot.services import accounts, records, search
from fairdepot.services.crates.ingest import write_crate


def _user(runtime, name: str, group: str):
    user = accounts.add_user(runtime, name, f"{name}@example.org", "pw", [group])
    return user, accounts.actor_for(user, runtime.settings.facility_groups)


def _record(ark: str, owner_id: str, *, public: bool, name: str = "Zebrafish atlas") -> Record:
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata={"@id": ark, "@type": "Dataset", "name": name},
        access=Access(owner_id=owner_id, owner_group=None, metadata_public=public),
        name=name,
    )


def test_a_crate_cannot_overwrite_a_record_another_owner_holds(runtime) -> None:
    alice, _ = _user(runtime, "alice", "a")
    bob, bob_actor = _user(runtime, "bob", "b")
    with runtime.writing() as store:
        store.insert(_record("ark:59852/dataset-x", alice.id, public=True))
    # bob's crate passed the early check before alice's record existed; the write re-checks
    with pytest.raises(Conflict) as caught, runtime.writing() as store:
        write_crate(
            store,
            _record("ark:59852/dataset-x", bob.id, public=True),
            [],
            bob_actor,
        )
    assert "held by another owner" in str(caught.value)
    assert records.resolve(runtime, ANONYMOUS, "ark:59852/dataset-x").access.owner_id == alice.id


def test_search_shows_private_records_only_to_those_who_may_read_them(runtime) -> None:
    alice, alice_actor = _user(runtime, "alice", "a")
    _bob, bob_actor = _user(runtime, "bob", "b")
    with runtime.writing() as store:
        store.insert(_record("ark:99999/fd1private", alice.id, public=False))
        store.insert(_record("ark:99999/fd1public", alice.id, public=True))

    def found(actor):
        return {h.record.ark for h in search.search(runtime, actor, "zebrafish", 10, 0)[0]}

    assert found(alice_actor) == {"ark:99999/fd1private", "ark:99999/fd1public"}
    assert found(bob_actor) == {"ark:99999/fd1public"}
    assert found(ANONYMOUS) == {"ark:99999/fd1public"}
