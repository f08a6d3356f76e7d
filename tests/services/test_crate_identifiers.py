"""A crate's own `@id` is an identifier of its record (`IdentifierScheme.CRATE_ID`).

Issue 7: every identifier a record is known by resolves with one lookup, and a taken one is a
clear 409. A crate whose root `@id` is not an ARK gets a minted ARK; without this, its
`@id` ("https://doi.org/...") found nothing, and every re-upload made a new, unrelated record.
Real ingest code on a real database and blob store (tests/services/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdepot.core import ark as arks
from fairdepot.core.errors import IdentifierTaken, NotFound
from fairdepot.core.records import IdentifierScheme
from fairdepot.services import accounts, catalogue
from fairdepot.services.crates import metadata_only
from fairdepot.services.runtime import Runtime
from fairdepot.storage.db import jobs
from tests.services.test_ingest_paths import _actor, _crate, _ingest
from tests.services.test_job_cleanup import _keys

DOI = "https://doi.org/10.5555/crate-identifiers"
MEMBER = "ark:59852/crate-id-member"
FILES = {"data/a.csv": b"a\n"}


@pytest.fixture
def alice(runtime: Runtime):
    return accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab-a"])


@pytest.fixture
def bob(runtime: Runtime):
    return accounts.add_user(runtime, "bob", "bob@example.org", "pw", ["lab-b"])


def _upload(runtime: Runtime, owner, tmp_path: Path, job_id: str, root: str = DOI):
    metadata, files = _crate({MEMBER: "data/a.csv"}, dict(FILES), root=root)
    return _ingest(runtime, owner, tmp_path, job_id, metadata, files)[0]


def test_a_crates_own_id_finds_its_record_and_a_reupload_is_its_next_revision(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    first = _upload(runtime, alice, tmp_path, "job-doi-1")
    assert first.state == jobs.COMPLETE, first.error
    ark = first.result["rocrateIdentifier"]
    assert ark != DOI  # the root got a minted ARK
    assert arks.submitted_ark(ark) is not None
    actor = _actor(runtime, alice)
    found = catalogue.find(runtime, actor, IdentifierScheme.CRATE_ID, DOI)
    assert found.ark == ark
    assert found.identifiers == {IdentifierScheme.CRATE_ID: DOI}
    assert found.revision == 1

    second = _upload(runtime, alice, tmp_path, "job-doi-2")

    assert second.state == jobs.COMPLETE, second.error
    assert second.result["rocrateIdentifier"] == ark  # the same record, not a new one
    again = catalogue.find(runtime, actor, IdentifierScheme.CRATE_ID, DOI)
    assert (again.ark, again.revision) == (ark, 2)
    assert again.crate_parts.source_filename == "job-doi-2.zip"


def test_another_owners_crate_with_a_taken_id_fails_with_409_and_stores_nothing(
    runtime: Runtime, alice, bob, tmp_path: Path
) -> None:
    ark = _upload(runtime, alice, tmp_path, "job-alice").result["rocrateIdentifier"]

    job = _upload(runtime, bob, tmp_path, "job-bob")

    assert (job.state, job.stage) == (jobs.FAILED, "failed")
    assert job.error["message"] == f"the crate_id {DOI!r} is already taken by another record"
    assert [p["location"] for p in job.error["problems"]] == ["crate_id"]
    assert _keys(runtime, "job-bob") == []  # refused before a single member was stored
    held = catalogue.find(runtime, _actor(runtime, alice), IdentifierScheme.CRATE_ID, DOI)
    assert (held.ark, held.revision, held.access.owner_id) == (ark, 1, alice.id)


def test_the_owner_cannot_reupload_over_a_crate_in_the_trash(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """The same rule as for a kept ARK: restore or purge the trashed record first."""
    ark = _upload(runtime, alice, tmp_path, "job-first").result["rocrateIdentifier"]
    catalogue.trash(runtime, _actor(runtime, alice), ark)

    job = _upload(runtime, alice, tmp_path, "job-again")

    assert job.state == jobs.FAILED
    assert job.error["message"] == f"the crate_id {DOI!r} is already taken by another record"


def test_a_fragment_id_is_kept_but_dot_slash_names_nothing(
    runtime: Runtime, alice, tmp_path: Path
) -> None:
    """`./` is what every crate calls itself: two such crates are two records, found by ARK."""
    fragment = _upload(runtime, alice, tmp_path, "job-fragment", root="#my-crate")
    actor = _actor(runtime, alice)
    assert (
        catalogue.find(runtime, actor, IdentifierScheme.CRATE_ID, "#my-crate").ark
        == fragment.result["rocrateIdentifier"]
    )
    plain = [_upload(runtime, alice, tmp_path, f"job-plain-{n}", root="./") for n in (1, 2)]
    assert len({job.result["rocrateIdentifier"] for job in plain}) == 2
    for job in plain:
        record = catalogue.find(runtime, actor, "ark", job.result["rocrateIdentifier"])
        assert record.identifiers == {}
    with pytest.raises(NotFound):
        catalogue.find(runtime, actor, IdentifierScheme.CRATE_ID, "./")


def test_a_metadata_only_crate_keeps_its_id_and_refuses_a_taken_one(runtime: Runtime, alice, bob):
    document, _ = _crate({}, {}, root=DOI)
    ark, _ = metadata_only.register(runtime, alice, document)
    assert (
        catalogue.find(runtime, _actor(runtime, alice), IdentifierScheme.CRATE_ID, DOI).ark == ark
    )
    assert metadata_only.register(runtime, alice, document)[0] == ark  # a new revision

    with pytest.raises(IdentifierTaken) as taken:
        metadata_only.register(runtime, bob, document)
    assert (taken.value.scheme, taken.value.value) == (IdentifierScheme.CRATE_ID, DOI)
