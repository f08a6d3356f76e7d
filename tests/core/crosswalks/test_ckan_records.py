"""Records of the other faces as CKAN packages: a FAIRSCAPE crate and a SciCat dataset field by
field (name from the ARK, summary, licence from its URL, files as resources with host-free
links, extras for the rest), and names that always satisfy the name rule and lead back to
their ARK."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from fairdepot.core import ark as arks
from fairdepot.core import links
from fairdepot.core.crosswalks import scicat
from fairdepot.core.crosswalks.ckan import PackageOrganization, package_of
from fairdepot.core.crosswalks.ckan_names import ark_of_name, name_of_ark, package_id, package_name
from fairdepot.core.crosswalks.ckan_rules import NAME_RULE
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.records import Access, Face, PublicationStatus, Record, RecordFile

CRATE_ARK = "ark:59852/rocrate-example-expression-crate-6xqfytwgbn6"
CREATED = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=UTC)
UPDATED = datetime(2026, 3, 5, 0, 0, tzinfo=UTC)

CRATE_ROOT = {
    "@id": CRATE_ARK,
    "@type": ["Dataset", "https://w3id.org/EVI#ROCrate"],
    "name": "Example Expression Crate",
    "description": "Tiny RO-Crate used to test FAIRSCAPE-compatible servers",
    "keywords": ["fairscape", "test", "rocrate", "a", "gene:expression"],
    "version": "1.0",
    "datePublished": "2025-01-15",
    "author": [{"@type": "Person", "name": "Jane Doe", "email": "jane@example.org"}],
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "additionalProperty": [{"@type": "PropertyValue", "name": "organism", "value": "mouse"}],
}


def crate() -> Record:
    return Record(
        ark=CRATE_ARK,
        kind="ROCrate",
        face=Face.FAIRSCAPE,
        metadata=copy.deepcopy(CRATE_ROOT),
        access=Access(owner_id="u1", owner_group="group1", organization="lab"),
        types=["Dataset", "ROCrate"],
        name="Example Expression Crate",
        description="Tiny RO-Crate used to test FAIRSCAPE-compatible servers",
        keywords=list(CRATE_ROOT["keywords"]),
        identifiers={"crate_id": "https://doi.org/10.1234/crate"},
        files=[
            RecordFile(
                path="data/input_data.csv",
                size=77,
                sha256="ab" * 32,
                media_type="text/csv",
                blob_key="blob-1",
            ),
            RecordFile(path="data/far.bin", size=5, external_url="https://example.org/far.bin"),
        ],
        created_at=CREATED,
        updated_at=UPDATED,
    )


def test_a_fairscape_crate_reads_as_a_package_field_by_field() -> None:
    record = crate()
    package = package_of(record, organization=PackageOrganization(id="org-1", name="lab"))
    assert package["name"] == "ark-59852-rocrate-example-expression-crate-6xqfytwgbn6"
    assert package["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, arks.normalise(CRATE_ARK)))
    assert package["title"] == "Example Expression Crate"
    assert package["notes"] == "Tiny RO-Crate used to test FAIRSCAPE-compatible servers"
    assert [tag["name"] for tag in package["tags"]] == ["fairscape", "test", "rocrate"]
    assert package["num_tags"] == 3
    assert package["license_id"] == "CC-BY-4.0"
    assert package["license_title"] == "Creative Commons Attribution 4.0"
    assert package["isopen"] is True
    assert (package["version"], package["author"], package["author_email"]) == (
        "1.0",
        "Jane Doe",
        "jane@example.org",
    )
    assert package["private"] is True  # a draft
    assert package["owner_org"] == "org-1"
    assert package["metadata_created"] == "2026-03-04T05:06:07.891234"
    assert package["metadata_modified"] == "2026-03-05T00:00:00.000000"
    assert package["groups"] == []
    assert package["extras"] == [
        {"key": "fairdepot:ark", "value": CRATE_ARK},
        {"key": "fairdepot:face", "value": "fairscape"},
        {"key": "fairdepot:kind", "value": "ROCrate"},
        {"key": "fairdepot:crate_id", "value": "https://doi.org/10.1234/crate"},
        {"key": "fairdepot:datePublished", "value": "2025-01-15"},
        {"key": "organism", "value": "mouse"},
    ]


def test_a_records_files_are_resources_with_host_free_download_links() -> None:
    package = package_of(crate())
    held, external = package["resources"]
    assert held["url"] == "fairdepot:/api/download/" + CRATE_ARK + "?path=data/input_data.csv"
    assert links.render_link(held["url"], "https://depot.example") == (
        f"https://depot.example/api/download/{CRATE_ARK}?path=data/input_data.csv"
    )
    assert (held["name"], held["format"], held["mimetype"], held["size"]) == (
        "data/input_data.csv",
        "CSV",
        "text/csv",
        77,
    )
    assert held["hash"] == "ab" * 32
    assert held["package_id"] == package["id"]
    assert (held["position"], external["position"]) == (0, 1)
    assert external["url"] == "https://example.org/far.bin"
    assert package_of(crate())["resources"][0]["id"] == held["id"]  # stable across reads
    assert held["id"] != external["id"]
    assert package["num_resources"] == 2


def test_a_published_record_is_not_private() -> None:
    record = crate()
    record.access.publication = PublicationStatus.PUBLISHED
    assert package_of(record)["private"] is False


def test_a_licence_the_list_lacks_is_shown_as_given_and_none_as_not_specified() -> None:
    record = crate()
    record.metadata["license"] = "https://example.org/our-terms"
    package = package_of(record)
    assert package["license_id"] == package["license_title"] == "https://example.org/our-terms"
    assert package["isopen"] is False
    del record.metadata["license"]
    package = package_of(record)
    assert (package["license_id"], package["license_title"]) == (
        "notspecified",
        "License not specified",
    )


def scicat_record() -> Record:
    body = {
        "type": "raw",
        "ownerGroup": "group1",
        "owner": "Ada Lovelace",
        "ownerEmail": "ada@example.org",
        "contactEmail": "ada@example.org",
        "sourceFolder": "/data/beamline/run1",
        "creationTime": "2026-01-02T03:04:05Z",
        "datasetName": "Run 1",
        "description": "A raw run",
        "keywords": ["neutrons", "run 1"],
        "license": "CC0-1.0",
        "isPublished": True,
        "scientificMetadata": {"temperature": {"value": 4.2, "unit": "K"}},
    }
    dataset = validate_dataset(body)
    dataset["pid"] = "PID.prefix.a0b1/0f7e5d0c-1111-4222-8333-944445555666"
    record = scicat.record_of(dataset, ark="ark:59852/dataset-run-1-abc", owner_id="u2")
    record.created_at, record.updated_at = CREATED, UPDATED
    return record


def test_a_scicat_dataset_reads_as_a_package() -> None:
    package = package_of(scicat_record())
    assert package["name"] == "ark-59852-dataset-run-1-abc"
    assert (package["title"], package["notes"]) == ("Run 1", "A raw run")
    assert [tag["name"] for tag in package["tags"]] == ["neutrons", "run 1"]
    assert package["license_id"] == "CC0-1.0"
    assert (package["author"], package["author_email"]) == ("Ada Lovelace", "ada@example.org")
    assert package["private"] is False
    assert package["resources"] == []
    assert {
        "key": "fairdepot:pid",
        "value": "PID.prefix.a0b1/0f7e5d0c-1111-4222-8333-944445555666",
    } in package["extras"]
    assert {"key": "fairdepot:face", "value": "scicat"} in package["extras"]
    assert {"key": "temperature", "value": "4.2"} in package["extras"]
    assert package["organization"] is None


# -- names ------------------------------------------------------------------------------------

NAAN = st.text(alphabet=arks.BETANUMERIC, min_size=1, max_size=8)
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=~*+@_$%./-"
ARK_NAMES = st.text(alphabet=NAME_CHARS, min_size=1, max_size=120)


def parsed_ark(naan: str, name: str) -> str | None:
    try:
        return str(arks.parse(f"ark:{naan}/{name}"))
    except arks.InvalidArk:
        return None


@given(NAAN, ARK_NAMES)
def test_every_arks_name_satisfies_the_name_rule(naan: str, name: str) -> None:
    ark = parsed_ark(naan, name)
    if ark is None:
        return
    slug = name_of_ark(ark)
    assert NAME_RULE.fullmatch(slug), slug
    assert slug.startswith("ark-")


@given(NAAN, ARK_NAMES, ARK_NAMES)
def test_names_lead_back_to_their_ark_and_differ_for_different_arks(
    naan: str, first: str, second: str
) -> None:
    a, b = parsed_ark(naan, first), parsed_ark(naan, second)
    if a is None or b is None:
        return
    for ark in (a, b):
        slug = name_of_ark(ark)
        found = ark_of_name(slug)
        assert found == ark or (found is None and len(slug) == 100), (ark, slug, found)
    if a != b:
        assert name_of_ark(a) != name_of_ark(b)


def test_a_lower_case_ark_is_named_as_written_and_others_are_escaped() -> None:
    assert name_of_ark("ark:59852/rocrate-xyz") == "ark-59852-rocrate-xyz"
    assert name_of_ark("ark:/59852/Ab_c.d/e") == "ark-59852-_ab__c_0d_1e"
    assert ark_of_name("ark-59852-_ab__c_0d_1e") == "ark:59852/Ab_c.d/e"


def test_an_ark_too_long_to_name_reversibly_gets_a_cut_unique_name() -> None:
    long_a, long_b = "ark:59852/" + "a" * 120, "ark:59852/" + "a" * 119 + "b"
    assert len(name_of_ark(long_a)) == 100
    assert name_of_ark(long_a) != name_of_ark(long_b)
    assert ark_of_name(name_of_ark(long_a)) is None


def test_names_that_are_no_arks_are_not_read_as_one() -> None:
    for name in ("my-item", "ark-", "ark-59852", "ark-59852-", "ark-59852-_!", "ark-59852-x_"):
        assert ark_of_name(name) is None
    assert ark_of_name("ark-59852-_a") == "ark:59852/A"


def test_a_gcat_items_own_id_is_kept() -> None:
    record = crate()
    record.identifiers["id"] = "own-id"
    assert package_id(record) == "own-id"


def test_a_gcat_item_loaded_without_identifiers_keeps_its_own_name() -> None:
    record = crate()
    record.face, record.identifiers, record.native = Face.GCAT, {}, {"name": "my-item"}
    assert package_name(record) == "my-item"
    record.face = Face.FAIRSCAPE
    assert package_name(record) == name_of_ark(CRATE_ARK)


def test_an_author_written_as_text_a_numeric_version_and_a_file_without_extension() -> None:
    record = crate()
    record.metadata.update({"author": "Jane Doe, John Roe", "version": 2})
    record.files = [RecordFile(path="README", size=1, blob_key="b")]
    package = package_of(record)
    assert (package["author"], package["author_email"]) == ("Jane Doe, John Roe", None)
    assert package["version"] == "2"
    assert (package["resources"][0]["format"], package["resources"][0]["name"]) == ("", "README")


def test_a_member_record_names_its_crate_among_its_extras() -> None:
    record = crate()
    record.parent_ark, record.kind = "ark:59852/rocrate-parent", "Dataset"
    extras = package_of(record)["extras"]
    assert {"key": "fairdepot:isPartOf", "value": "ark:59852/rocrate-parent"} in extras
    assert {"key": "fairdepot:kind", "value": "Dataset"} in extras
