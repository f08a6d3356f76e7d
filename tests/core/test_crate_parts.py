"""What a record keeps of its crate: stored under the keys `records.extra` has always held."""

from __future__ import annotations

from fairdepot.core.crates.parts import CrateParts


def test_every_part_is_stored_under_its_camel_case_key_and_read_back() -> None:
    parts = CrateParts(
        source_filename="crate.zip",
        job_id="job-1",
        metadata_only=True,
        original_id="./",
        descriptor={"@id": "ro-crate-metadata.json"},
        contextual=({"@id": "https://orcid.org/0000-0002-1825-0097"},),
        content_summary={"datasets": 2},
    )
    stored = parts.to_json()
    assert stored == {
        "originalId": "./",
        "sourceFilename": "crate.zip",
        "jobId": "job-1",
        "metadataOnly": True,
        "descriptor": {"@id": "ro-crate-metadata.json"},
        "contextual": [{"@id": "https://orcid.org/0000-0002-1825-0097"}],
        "contentSummary": {"datasets": 2},
    }
    assert CrateParts.from_json(stored) == parts


def test_a_record_of_no_crate_stores_an_empty_object() -> None:
    assert CrateParts().to_json() == {}
    assert CrateParts.from_json({}) == CrateParts()
    assert CrateParts.from_json(None) == CrateParts()


def test_what_earlier_versions_stored_reads_back_and_wrong_types_read_as_absent() -> None:
    older = {"sourceFilename": None, "jobId": "j", "contextual": [], "descriptor": "x"}
    assert CrateParts.from_json(older) == CrateParts(job_id="j")
    assert CrateParts.from_json({"metadataOnly": "yes", "contextual": [1, {"@id": "a"}]}) == (
        CrateParts(contextual=({"@id": "a"},))
    )
