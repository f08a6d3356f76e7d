"""Full-text search on both databases (FTS5, PostgreSQL tsvector): scope and rank.

In the scale-out pass the runtime sits on a fresh PostgreSQL database, so these prove that the
PostgreSQL index hides private records and ranks as FTS5 does.
"""

from __future__ import annotations

import pytest

from fairdepot.core.policy import ANONYMOUS
from fairdepot.core.records import Access, Face, Record
from fairdepot.services import accounts, search


def _record(ark: str, owner_id: str, *, public: bool, name: str, description: str = "") -> Record:
    return Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata={"@id": ark, "@type": "Dataset", "name": name, "description": description},
        access=Access(owner_id=owner_id, owner_group="lab-a", metadata_public=public),
        name=name,
        description=description,
    )


@pytest.fixture
def actors(runtime):
    def actor(name: str, group: str):
        user = accounts.add_user(runtime, name, f"{name}@example.org", "pw", [group])
        return user, accounts.actor_for(user, runtime.settings.facility_groups)

    return {
        name: actor(name, group)
        for name, group in (
            ("alice", "lab-a"),
            ("carol", "lab-a"),
            ("bob", "lab-b"),
            ("root", "admin"),
        )
    }


def _found(runtime, actor, text: str) -> list[str]:
    hits, total = search.search(runtime, actor, text, 10, 0)
    assert total == len(hits)
    return sorted(h.record.ark for h in hits)


def test_private_records_are_hidden_from_others_and_found_by_owner_group_and_admin(
    runtime, actors
) -> None:
    alice = actors["alice"][0]
    with runtime.writing() as store:
        store.insert(_record("ark:99999/fd1hidden", alice.id, public=False, name="Quokka census"))
        store.insert(_record("ark:99999/fd1shown", alice.id, public=True, name="Quokka map"))
    both = ["ark:99999/fd1hidden", "ark:99999/fd1shown"]

    assert _found(runtime, actors["alice"][1], "quokka") == both  # owner
    assert _found(runtime, actors["carol"][1], "quokka") == both  # owner's group
    assert _found(runtime, actors["root"][1], "quokka") == both  # administrator
    assert _found(runtime, actors["bob"][1], "quokka") == ["ark:99999/fd1shown"]
    assert _found(runtime, ANONYMOUS, "quokka") == ["ark:99999/fd1shown"]
    assert _found(runtime, actors["bob"][1], "census") == []  # not even by its own words


def test_a_stronger_match_scores_higher_and_comes_first(runtime, actors) -> None:
    alice = actors["alice"][0]
    with runtime.writing() as store:  # inserted weakest first, so order is not insertion order
        store.insert(
            _record(
                "ark:99999/fd1weak",
                alice.id,
                public=True,
                name="Survey of birds",
                description="one mention of the axolotl among many other animals and plants",
            )
        )
        store.insert(
            _record(
                "ark:99999/fd1strong",
                alice.id,
                public=True,
                name="Axolotl axolotl regeneration",
                description="axolotl limbs: axolotl genome",
            )
        )
    hits, total = search.search(runtime, ANONYMOUS, "axolotl", 10, 0)
    assert total == 2
    assert [h.record.ark for h in hits] == ["ark:99999/fd1strong", "ark:99999/fd1weak"]
    strong, weak = (h.score for h in hits)
    assert strong > weak > 0
