"""SciCat proposals, samples and instruments <-> records, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fairdepot.core.crosswalks import scicat_objects as objects
from fairdepot.core.crosswalks.scicat_objects import INSTRUMENT, PROPOSAL, SAMPLE
from fairdepot.core.errors import InvalidInput
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.records import Access, Face, PublicationStatus

ARK = "ark:59852/test-object"


def problems(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str | None, str]:
    return {p.location: p.message for p in error.value.problems}


def test_a_proposal_missing_required_fields_names_each_one() -> None:
    with pytest.raises(InvalidInput) as error:
        objects.validate_object(PROPOSAL, {"title": "t"})
    found = problems(error)
    assert set(found) == {"proposalId", "email", "ownerGroup"}
    assert found["email"] == "email must be a string"


def test_unknown_properties_and_wrong_types_are_refused_together() -> None:
    with pytest.raises(InvalidInput) as error:
        objects.validate_object(
            SAMPLE, {"ownerGroup": "g", "colour": "red", "sampleCharacteristics": [1]}
        )
    assert problems(error) == {
        "colour": "property colour should not exist",
        "sampleCharacteristics": "sampleCharacteristics must be an object",
    }


def test_server_fields_sent_back_are_ignored_and_times_normalised() -> None:
    checked = objects.validate_object(
        PROPOSAL,
        {
            "proposalId": "p1",
            "email": "a@b.c",
            "title": "T",
            "ownerGroup": "g",
            "createdAt": "whatever",
            "startTime": "2024-01-02T03:04:05.123456+01:00",
        },
    )
    assert "createdAt" not in checked
    assert checked["startTime"] == "2024-01-02T02:04:05.123Z"


def test_a_patch_requires_nothing_and_null_removes() -> None:
    patch = objects.validate_object(SAMPLE, {"description": None, "owner": "x"}, partial=True)
    assert objects.merged({"description": "d", "ownerGroup": "g"}, patch) == {
        "ownerGroup": "g",
        "owner": "x",
    }


def test_a_sample_record_keeps_its_document_and_access() -> None:
    document = {"sampleId": "s1", "ownerGroup": "g1", "accessGroups": ["g2"], "owner": "me"}
    record = objects.record_of(SAMPLE, document, ark=ARK, owner_id="u1", created_by="user1")
    assert record.face is Face.SCICAT
    assert record.kind == "Sample"
    assert record.identifiers == {"sampleId": "s1"}
    assert record.native == {**document, "createdBy": "user1", "updatedBy": "user1"}
    assert record.access.owner_group == "g1"
    assert record.access.access_groups == ["g2"]
    assert record.access.publication is PublicationStatus.DRAFT
    record.created_at = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    record.updated_at = record.created_at
    out = objects.object_of(record)
    assert out["sampleId"] == out["_id"] == "s1"
    assert out["createdAt"] == "2024-05-06T07:08:09.123Z"
    assert out["isPublished"] is False


def test_an_instrument_is_read_by_anyone_and_changed_by_no_group() -> None:
    record = objects.record_of(
        INSTRUMENT,
        {"pid": "i1", "uniqueName": "u", "name": "n"},
        ark=ARK,
        owner_id="u1",
        created_by="admin",
    )
    assert allows(Actor(), Action.READ_METADATA, record.access)
    member = Actor(user_id="u1", groups=frozenset({"g1"}))
    assert not allows(member, Action.UPDATE, record.access)
    assert record.metadata["name"] == "n"


def test_a_proposal_jsonld_names_title_abstract_and_contact() -> None:
    document = {"proposalId": "p1", "email": "a@b.c", "title": "T", "abstract": "A"}
    doc = objects.jsonld_of(PROPOSAL, document, ARK)
    assert doc["@id"] == ARK
    assert doc["identifier"] == ["p1"]
    assert (doc["name"], doc["description"]) == ("T", "A")
    assert doc["contactPoint"] == [{"@type": "ContactPoint", "email": "a@b.c"}]


def test_changes_follow_the_owner_group_and_publication() -> None:
    document = {"sampleId": "s1", "ownerGroup": "g1"}
    record = objects.record_of(SAMPLE, document, ark=ARK, owner_id="u1", created_by="user1")
    changes = objects.changes_of(
        SAMPLE, record, {**document, "ownerGroup": "g2", "isPublished": True}, updated_by="x"
    )
    access = changes.access
    assert isinstance(access, Access)
    assert access.owner_group == "g2"
    assert access.owner_id == "u1"
    assert access.publication is PublicationStatus.PUBLISHED
    assert changes.native == {
        **document,
        "ownerGroup": "g2",
        "isPublished": True,
        "createdBy": "user1",
        "updatedBy": "x",
    }


def test_published_data_is_public_once_registered_only() -> None:
    document = {"doi": "10.5072/x", "title": "T", "status": objects.PENDING}
    pending = objects.access_of(objects.PUBLISHED_DATA, document, "u1")
    assert pending.publication is PublicationStatus.DRAFT
    assert pending.owner_group is None
    assert not allows(Actor(), Action.READ_METADATA, pending)
    registered = objects.access_of(
        objects.PUBLISHED_DATA, {**document, "status": objects.REGISTERED}, "u1"
    )
    assert allows(Actor(), Action.READ_METADATA, registered)
    record = objects.record_of(
        objects.PUBLISHED_DATA, document, ark=ARK, owner_id="u1", created_by="u"
    )
    assert "isPublished" not in objects.object_of(record)  # not a field of PublishedData
