"""gCat items as records and back: validate → record_of → package_of gives what the client
sent plus the server's fields; PUT and PATCH as explicit changes; resources with server ids,
positions and times, external ones as files; access from `private`."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdepot.core.crosswalks.ckan import (
    KIND,
    PackageOrganization,
    changes_of,
    package_of,
    record_of,
    resource_changes,
)
from fairdepot.core.crosswalks.ckan_resources import (
    find_resource,
    new_resource,
    numbered,
    replaced_resource,
    resource_id_mismatch,
    validate_resource,
    without_resource,
)
from fairdepot.core.crosswalks.ckan_rules import CkanValidationError
from fairdepot.core.crosswalks.ckan_validation import patched_package, validate_package
from fairdepot.core.errors import InvalidInput, NotFound
from fairdepot.core.record_changes import UNCHANGED
from fairdepot.core.records import (
    Face,
    IdentifierScheme,
    PublicationStatus,
    Record,
    RecordState,
    check_metadata,
)

ARK = "ark:59852/gcat-item-x1y2z3"
ITEM_ID = "7b0c4a8e-1f6d-4b1e-9a57-0d5c3f2e9b10"
CREATED = datetime(2026, 3, 22, 11, 48, 42, 612063, tzinfo=UTC)
LATER = datetime(2026, 3, 23, 8, 0, 0, tzinfo=UTC)
LAB = PackageOrganization(id="0d2b-lab", name="lab", title="The Lab")
SERVER = {"author": "ada", "author_email": "ada@example.org", "owner_org": "lab"}

CLIENT_BODY = {
    "name": "my-first-item",
    "title": "My first item",
    "notes": "What it holds",
    "url": "https://example.org/source",
    "version": "1.2",
    "maintainer": "Bo",
    "maintainer_email": "bo@example.org",
    "license_id": "CC-BY-SA-4.0",
    "private": False,
    "tags": [{"name": "example"}, {"name": "Country-Italy"}],
    "groups": [{"name": "italy"}],
    "extras": [
        {"key": "coverage:Country", "value": "Italy"},
        {"key": "coverage:Country", "value": "Greece"},
        {"key": "Open Access", "value": "true"},
        {"key": "system:type", "value": "ExampleDataset"},
    ],
    "resources": [
        {"name": "table", "url": "https://example.org/t.csv", "format": "CSV", "size": 120},
        {"name": "paper", "url": "https://example.org/p.pdf", "description": "the paper"},
    ],
}


def ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def created(body: dict | None = None) -> Record:
    package = validate_package(copy.deepcopy(body or CLIENT_BODY), **SERVER)
    record = record_of(
        package,
        ark=ARK,
        item_id=ITEM_ID,
        owner_id="user-1",
        organization="lab",
        now=CREATED,
        new_id=ids(),
    )
    record.created_at, record.updated_at = CREATED, CREATED
    return record


def applied(record: Record, changes) -> Record:  # type: ignore[no-untyped-def]
    """The record as storage leaves it after `changes` (the parts these tests touch)."""
    result = copy.deepcopy(record)
    result.native = changes.native
    if changes.metadata is not UNCHANGED:
        result.metadata = changes.metadata.document
        result.name = changes.metadata.name
    if changes.publication is not UNCHANGED:
        result.access.publication = changes.publication
    if changes.files is not UNCHANGED:
        kept = [f for f in result.files if f.path not in changes.files.removed]
        added = {f.path: f for f in changes.files.added}
        result.files = [f for f in kept if f.path not in added] + list(added.values())
    result.updated_at = LATER
    return result


# -- the round trip ---------------------------------------------------------------------------


def test_the_client_reads_back_what_it_sent_plus_the_servers_fields() -> None:
    package = package_of(created(), organization=LAB)
    for field in ("name", "title", "notes", "url", "version", "maintainer", "maintainer_email"):
        assert package[field] == CLIENT_BODY[field], field
    assert package["license_id"] == "CC-BY-SA-4.0"
    assert package["extras"] == CLIENT_BODY["extras"]  # order and repeated keys kept
    assert [tag["name"] for tag in package["tags"]] == ["example", "Country-Italy"]
    assert [group["name"] for group in package["groups"]] == ["italy"]
    sent = CLIENT_BODY["resources"]
    for got, client in zip(package["resources"], sent, strict=True):
        assert {key: got[key] for key in client} == client
    # the server's
    assert package["id"] == ITEM_ID
    assert (package["author"], package["author_email"]) == ("ada", "ada@example.org")
    assert package["owner_org"] == "0d2b-lab"
    assert package["organization"]["name"] == "lab"
    assert package["organization"]["title"] == "The Lab"
    assert package["organization"]["is_organization"] is True
    assert package["license_title"] == "Creative Commons Attribution Share-Alike 4.0"
    assert package["license_url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert package["isopen"] is True
    assert (package["state"], package["type"], package["private"]) == ("active", "dataset", False)
    assert package["metadata_created"] == "2026-03-22T11:48:42.612063"
    assert package["creator_user_id"] == "user-1"
    assert (package["num_resources"], package["num_tags"]) == (2, 2)
    assert package["relationships_as_object"] == package["relationships_as_subject"] == []


def test_tags_groups_and_resources_have_ckans_shape() -> None:
    package = package_of(created(), organization=LAB)
    tag = package["tags"][0]
    assert set(tag) == {"id", "name", "display_name", "state", "vocabulary_id"}
    assert (tag["display_name"], tag["state"], tag["vocabulary_id"]) == ("example", "active", None)
    group = package["groups"][0]
    assert set(group) == {"id", "name", "title", "display_name", "description", "image_display_url"}
    resource = package["resources"][1]
    assert resource["id"] == "00000000-0000-4000-8000-000000000002"
    assert resource["package_id"] == ITEM_ID
    assert resource["position"] == 1
    assert resource["created"] == resource["last_modified"] == "2026-03-22T11:48:42.612063"
    assert (resource["state"], resource["format"], resource["size"]) == ("active", "", None)


def test_the_face_may_give_the_group_documents() -> None:
    shown = {"italy": {"id": "g1", "name": "italy", "title": "Italy", "display_name": "Italy"}}
    package = package_of(created(), organization=LAB, groups=shown)
    assert package["groups"] == [shown["italy"]]


def test_a_licence_without_url_has_no_license_url_and_an_unknown_one_its_id_as_title() -> None:
    package = package_of(created({**CLIENT_BODY, "license_id": "other-closed"}))
    assert "license_url" not in package
    assert (package["license_title"], package["isopen"]) == ("Other (Not Open)", False)


def test_the_answer_shares_nothing_with_the_record() -> None:
    nested = {"url": "https://x.org/a", "checks": {"passed": ["schema"]}}
    record = created({**CLIENT_BODY, "resources": [nested]})
    package_of(record)["resources"][0]["checks"]["passed"].append("changed")
    assert (record.native or {})["resources"][0]["checks"] == {"passed": ["schema"]}


def test_a_record_without_organization_shows_none() -> None:
    package = package_of(created())
    assert package["owner_org"] is None
    assert package["organization"] is None


# -- the record -------------------------------------------------------------------------------


def test_an_item_is_a_gcat_dataset_record_found_by_its_name_and_id() -> None:
    record = created()
    assert (record.face, record.kind, record.types) == (Face.GCAT, KIND, ["Dataset"])
    assert record.identifiers == {
        IdentifierScheme.GCAT_NAME.value: "my-first-item",
        IdentifierScheme.GCAT_ID.value: ITEM_ID,
    }
    assert (record.name, record.description) == ("My first item", "What it holds")
    assert record.keywords == ["example", "Country-Italy"]
    assert record.access.owner_id == "user-1"
    assert record.access.organization == "lab"


def test_the_jsonld_is_a_schema_org_dataset_the_core_accepts() -> None:
    metadata = created().metadata
    check_metadata(metadata)
    assert metadata["@id"] == ARK
    assert metadata["identifier"] == [ARK]
    assert (metadata["@type"], metadata["name"], metadata["description"]) == (
        "Dataset",
        "My first item",
        "What it holds",
    )
    assert metadata["keywords"] == ["example", "Country-Italy"]
    assert metadata["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert (metadata["version"], metadata["url"]) == ("1.2", "https://example.org/source")
    assert metadata["creator"] == [{"@type": "Person", "name": "ada", "email": "ada@example.org"}]
    assert metadata["maintainer"] == {"@type": "Person", "name": "Bo", "email": "bo@example.org"}
    assert [d["contentUrl"] for d in metadata["distribution"]] == [
        "https://example.org/t.csv",
        "https://example.org/p.pdf",
    ]
    assert metadata["distribution"][0]["contentSize"] == "120 B"
    assert metadata["additionalProperty"] == [
        {"@type": "PropertyValue", "name": extra["key"], "value": extra["value"]}
        for extra in CLIENT_BODY["extras"]
    ]


def test_external_resources_are_record_files() -> None:
    files = created().files
    assert [(f.path, f.external_url, f.size) for f in files] == [
        ("resources/00000000-0000-4000-8000-000000000001", "https://example.org/t.csv", 120),
        ("resources/00000000-0000-4000-8000-000000000002", "https://example.org/p.pdf", 0),
    ]
    assert all(f.blob_key is None for f in files)


def test_a_public_item_is_published_and_a_private_one_a_draft_of_its_organization() -> None:
    assert created().access.publication is PublicationStatus.PUBLISHED
    private = created({**CLIENT_BODY, "private": True})
    assert private.access.publication is PublicationStatus.DRAFT
    assert private.access.organization == "lab"
    assert package_of(private)["private"] is True


def test_a_trashed_item_shows_state_deleted() -> None:
    record = created()
    record.state = RecordState.TRASHED
    assert package_of(record)["state"] == "deleted"


# -- PUT and PATCH ----------------------------------------------------------------------------


def put(record: Record, body: dict) -> Record:
    package = validate_package(
        body, **SERVER, owner_org_id=LAB.id, path_name="my-first-item", item_id=ITEM_ID
    )
    return applied(record, changes_of(record, package, now=LATER, new_id=ids()))


def test_a_put_of_what_was_read_changes_nothing_but_the_times() -> None:
    record = created()
    before = package_of(record, organization=LAB)
    after = package_of(put(record, copy.deepcopy(before)), organization=LAB)
    assert {k: v for k, v in after.items() if k != "metadata_modified"} == {
        k: v for k, v in before.items() if k != "metadata_modified"
    }


def test_a_put_keeps_named_resources_creates_new_ones_and_removes_the_others() -> None:
    record = created()
    first = package_of(record)["resources"][0]
    body = {
        **CLIENT_BODY,
        "resources": [
            {"url": "https://example.org/new.zip", "name": "new"},
            {**first, "name": "table, renamed"},
        ],
    }
    changes = changes_of(
        record,
        validate_package(body, **SERVER, path_name="my-first-item", item_id=ITEM_ID),
        now=LATER,
        new_id=ids(),
    )
    resources = changes.native["resources"]  # type: ignore[index]
    assert [r["name"] for r in resources] == ["new", "table, renamed"]
    assert [r["position"] for r in resources] == [0, 1]
    assert resources[1]["id"] == first["id"]
    assert resources[1]["created"] == first["created"]
    assert resources[1]["last_modified"] == "2026-03-23T08:00:00.000000"
    assert changes.files.removed == frozenset(  # type: ignore[union-attr]
        {"resources/00000000-0000-4000-8000-000000000002"}
    )
    assert changes.publication is PublicationStatus.PUBLISHED
    assert changes.identifiers_added == {}
    assert changes.access is UNCHANGED


def test_a_put_naming_a_resource_the_item_lacks_is_gcats_400() -> None:
    record = created()
    body = {**CLIENT_BODY, "resources": [{"id": "nope", "url": "https://x.org"}]}
    package = validate_package(body, **SERVER)
    with pytest.raises(InvalidInput) as caught:
        changes_of(record, package, now=LATER)
    assert caught.value.message == (
        "The content cotains a resource with id nope which does not exists"
    )


def test_making_an_item_private_makes_it_a_draft() -> None:
    record = put(created(), {**CLIENT_BODY, "private": True})
    assert record.access.publication is PublicationStatus.DRAFT


def test_a_patch_changes_only_what_it_gives() -> None:
    record = created()
    merged = patched_package(record.native or {}, {"notes": "Now described"}, "my-first-item")
    after = package_of(put(record, merged), organization=LAB)
    before = package_of(record, organization=LAB)
    assert after["notes"] == "Now described"
    for field in ("title", "tags", "extras", "resources", "groups", "license_id"):
        assert after[field] == before[field], field


# -- resources one by one ---------------------------------------------------------------------


def test_a_resource_body_is_checked_in_gcats_words() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_resource({"url": "https://x.org", "package_id": "other"}, "my-first-item")
    assert caught.value.message == (
        "Item ID my-first-item does not match other which is the value of package_id "
        "contained in the representation."
    )
    with pytest.raises(InvalidInput) as caught:
        validate_resource({"url": "https://x.org", "id": "b"}, "my-first-item", resource_id="a")
    assert (
        caught.value.message
        == resource_id_mismatch("a", "b")
        == (
            "Resource ID a does not match b which is the value of id contained in the "
            "representation."
        )
    )
    with pytest.raises(InvalidInput, match="must contains the url property"):
        validate_resource({"name": "x"}, "my-first-item")
    with pytest.raises(InvalidInput, match="not an absolute URL"):
        validate_resource({"url": "just text"}, "my-first-item")


@pytest.mark.parametrize("size", [-1, "12", 1.5, True])
def test_a_resource_size_must_be_a_whole_number_as_ckan_checks_it(size: object) -> None:
    with pytest.raises(CkanValidationError) as caught:
        validate_resource({"url": "https://x.org", "size": size}, "my-first-item")
    assert caught.value.problems[0].as_dict() == {"location": "size", "message": "Invalid integer"}


def test_a_resource_may_name_its_item_by_name_or_id_and_drops_server_fields() -> None:
    body = {"url": "https://x.org", "package_id": ITEM_ID, "position": 9, "state": "x", "k": 1}
    checked = validate_resource(body, "my-first-item", item_id=ITEM_ID)
    assert checked == {"url": "https://x.org", "k": 1}


def test_adding_replacing_and_removing_one_resource() -> None:
    record = created()
    stored = (record.native or {})["resources"]
    added = numbered([*stored, new_resource({"url": "https://x.org/3"}, now=LATER, new_id=ids())])
    assert [r["position"] for r in added] == [0, 1, 2]
    changed = replaced_resource(
        stored, stored[0]["id"], {"url": "https://x.org/moved", "name": "t"}, now=LATER
    )
    assert changed[0]["url"] == "https://x.org/moved"
    assert changed[0]["created"] == stored[0]["created"]
    removed = without_resource(stored, stored[0]["id"])
    assert [r["id"] for r in removed] == [stored[1]["id"]]
    assert removed[0]["position"] == 0
    changes = resource_changes(record, removed)
    assert changes.files.removed == frozenset({"resources/" + stored[0]["id"]})  # type: ignore[union-attr]
    assert changes.native["resources"] == removed  # type: ignore[index]
    with pytest.raises(NotFound):
        find_resource(stored, "nope")
    with pytest.raises(NotFound):
        without_resource(stored, "nope")


# -- the round trip, generated ------------------------------------------------------------------

TAG_NAMES = st.text(alphabet="abcXYZ019 -._é", min_size=2, max_size=12)
EXTRAS = st.lists(
    st.fixed_dictionaries(
        {"key": st.sampled_from(["a", "b", "coverage:Country", "system:type"]), "value": st.text()}
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(tags=st.lists(TAG_NAMES, max_size=6), extras=EXTRAS, private=st.booleans())
def test_any_valid_body_reads_back_as_sent(tags: list[str], extras: list, private: bool) -> None:
    body = {
        **CLIENT_BODY,
        "tags": [{"name": name} for name in tags],
        "extras": extras,
        "private": private,
    }
    package = package_of(created(body), organization=LAB)
    assert package["extras"] == extras
    assert [tag["name"] for tag in package["tags"]] == list(dict.fromkeys(tags))
    assert package["private"] is private
    again = package_of(put(created(body), copy.deepcopy(package)), organization=LAB)
    assert again["extras"] == extras
    assert again["tags"] == package["tags"]
    assert again["resources"] == package["resources"]
