"""A SciCat dataset's JSON-LD -> Croissant: mlcroissant (offline) loads it without errors; held
files are FileObjects only if every reader may download them, the facility's files are named
under the dataset's sourceFolder when a checksum mlcroissant reads is known, and the
dataset-level fields are the crate crosswalk's."""

from __future__ import annotations

import copy
import hashlib
import socket
from dataclasses import replace
from typing import Any

import mlcroissant as mlc
import pytest

from fairdepot.core import links
from fairdepot.core.crosswalks.scicat import record_of
from fairdepot.core.crosswalks.scicat_parts import HAS_PART_FILES, facility_folder, files_part
from fairdepot.core.crosswalks.scicat_validation import ApiVersion, validate_dataset
from fairdepot.core.metadata.croissant import crate_to_croissant
from fairdepot.core.metadata.croissant_dataset import dataset_to_croissant, is_dataset
from fairdepot.core.records import Face, Record, RecordFile

ARK = "ark:99999/fd1scicat"
PID = "PID.prefix.a0b1/0f7e5d0c-1111-4222-8333-944445555666"
FOLDER = "/facility/run42"
BASE = "https://depot.example.org"
HELD = b"held bytes\n" * 10
SHA, MD5 = hashlib.sha256(HELD).hexdigest(), hashlib.md5(HELD).hexdigest()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access is forbidden in the Croissant tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _block(chk_alg: str | None, *files: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = {"dataFileList": [{"time": "2026-01-01T00:00:00Z", **f} for f in files]}
    if chk_alg is not None:
        block["chkAlg"] = chk_alg
    return block


BLOCKS = [
    _block(
        "sha256",
        {"path": "sub/held file.dat", "size": len(HELD), "chk": SHA},
        {"path": "raw/frame.nxs", "size": 5, "chk": "b" * 64},
    ),
    _block("md5", {"path": "log.txt", "size": 3, "chk": "c" * 32}),
    _block("blake2b", {"path": "other.nxs", "size": 7, "chk": "dd"}),
    _block(None, {"path": "no-algorithm.nxs", "size": 7, "chk": "ee"}),
    _block("sha256", {"path": "unchecked.nxs", "size": 7}),
]
STORED = RecordFile(path="sub/held file.dat", size=len(HELD), sha256=SHA, md5=MD5, blob_key="b1")


def _record(
    blocks: list[dict[str, Any]] = BLOCKS, held: tuple[RecordFile, ...] = (STORED,)
) -> Record:
    body = {
        "type": "raw",
        "datasetName": "Run 42",
        "description": "SANS of a sample",
        "owner": "Ponder Stibbons",
        "orcidOfOwner": "0000-0002-1825-0097",
        "ownerEmail": "ponder@uu.am",
        "ownerGroup": "group1",
        "contactEmail": "ponder@uu.am",
        "principalInvestigators": ["Mustrum Ridcully"],
        "sourceFolder": FOLDER,
        "creationTime": "2026-01-01T00:00:00Z",
        "license": "CC-BY-4.0",
        "keywords": ["neutron", "SANS"],
    }
    dataset = {**validate_dataset(body, ApiVersion.V4), "pid": PID}
    record = record_of(dataset, ark=ARK, owner_id=None)
    parts = files_part(blocks, pid=PID, ark=ARK, held={f.path: f for f in held})
    return replace(record, metadata={**record.metadata, "hasPart": parts}, files=list(held))


def _croissant(record: Record, files: list[RecordFile] | None = None) -> dict[str, Any]:
    built = dataset_to_croissant(
        record.metadata,
        record.files if files is None else files,
        local_folder=facility_folder(record),
    )
    rendered: dict[str, Any] = links.render(built, BASE)
    return rendered


def _load(document: dict[str, Any]) -> mlc.Dataset:
    """mlcroissant's static validation; a ValidationError (any error) fails the test."""
    return mlc.Dataset(jsonld=copy.deepcopy(document))


def test_a_scicat_dataset_loads_in_mlcroissant_without_errors() -> None:
    document = _croissant(_record())
    loaded = _load(document)
    assert loaded.metadata.issues.errors == set()
    # what only SciCat cannot say: no version, no publication date
    assert all(
        "version" in warning or "datePublished" in warning
        for warning in loaded.metadata.issues.warnings
    )
    assert len(loaded.metadata.file_objects) == len(document["distribution"]) == 3
    assert "recordSet" not in document


def test_dataset_fields_come_from_the_json_ld() -> None:
    document = _croissant(_record())
    assert document["@type"] == "sc:Dataset"
    assert document["name"] == "Run_42"
    assert document["description"] == "SANS of a sample"
    assert document["license"] == "CC-BY-4.0"
    assert document["keywords"] == ["neutron", "SANS"]
    assert document["dateCreated"] == "2026-01-01T00:00:00.000Z"
    assert document["creator"] == [
        {
            "@type": "sc:Person",
            "name": "Ponder Stibbons",
            "url": "https://orcid.org/0000-0002-1825-0097",
            "email": "ponder@uu.am",
        },
        {"@type": "sc:Person", "name": "Mustrum Ridcully"},
    ]
    assert document["citeAs"] == f"Ponder Stibbons; Mustrum Ridcully. Run 42 [Data set]. {PID}"


def test_a_held_file_is_its_download_link_with_the_stored_checksums() -> None:
    files = {fo["name"]: fo for fo in _croissant(_record())["distribution"]}
    held = files["sub/held_file.dat"]
    assert held["contentUrl"] == f"{BASE}/api/download/{ARK}?path=sub/held%20file.dat"
    assert (held["sha256"], held["md5"], held["contentSize"]) == (SHA, MD5, f"{len(HELD)} B")
    assert held["encodingFormat"] == "text/plain"


def test_the_facilitys_files_are_named_under_the_source_folder_when_a_checksum_is_known() -> None:
    files = {fo["name"]: fo for fo in _croissant(_record())["distribution"]}
    frame, log = files["raw/frame.nxs"], files["log.txt"]
    assert frame["contentUrl"] == f"{FOLDER}/raw/frame.nxs"
    assert frame["sha256"] == "b" * 64
    assert frame["encodingFormat"] == "application/x-hdf5"  # NeXus
    assert "md5" not in frame
    assert (log["contentUrl"], log["md5"]) == (f"{FOLDER}/log.txt", "c" * 32)
    # blake2b, no chkAlg, no chk: no sha256/md5, which mlcroissant requires of every file
    assert not {"other.nxs", "no-algorithm.nxs", "unchecked.nxs"} & set(files)


def test_a_held_file_not_every_reader_may_download_is_left_out() -> None:
    """`files` is the resolver's listing (file_access.for_listing): a held file missing from
    it belongs to a block some readers of the dataset may not read."""
    document = _croissant(_record(), files=[])
    assert "sub/held_file.dat" not in {fo["name"] for fo in document["distribution"]}
    assert "held" not in str(document["distribution"])
    _load(document)


def test_files_past_the_cap_are_not_files_and_the_first_ones_load() -> None:
    many = _block(
        "sha256",
        *(
            {"path": f"many/{i}.nxs", "size": 1, "chk": f"{i:064x}"}
            for i in range(HAS_PART_FILES + 5)
        ),
    )
    record = _record([many], held=())
    assert record.metadata["hasPart"][-1]["@type"] == "Collection"
    document = _croissant(record)
    assert len(document["distribution"]) == HAS_PART_FILES
    assert len({fo["@id"] for fo in document["distribution"]}) == HAS_PART_FILES
    assert len(_load(document).metadata.file_objects) == HAS_PART_FILES


def test_one_path_listed_by_two_blocks_is_one_file_object() -> None:
    twice = [_block("md5", {"path": "a.dat", "size": 1, "chk": "1" * 32})] * 2
    document = _croissant(_record(twice, held=()))
    assert [fo["name"] for fo in document["distribution"]] == ["a.dat"]


def test_a_dataset_that_is_not_scicats_has_no_local_folder() -> None:
    record = _record()
    other = replace(record, face=Face.FAIRSCAPE)
    assert facility_folder(other) is None
    names = {fo["name"] for fo in _croissant(other)["distribution"]}
    assert names == {"sub/held_file.dat"}  # the parts without a link have no location


def test_the_input_is_left_unchanged() -> None:
    record = _record()
    before = copy.deepcopy(record.metadata)
    _croissant(record)
    assert record.metadata == before


def test_dataset_level_fields_agree_with_the_crate_crosswalk() -> None:
    """The same root, as a one-node Dataset or as a crate's root, maps the same way."""
    root = {k: v for k, v in _record().metadata.items() if k not in ("@context", "hasPart")}
    crate = {
        "@context": {"@vocab": "https://schema.org/"},
        "@graph": [{"@id": "ro-crate-metadata.json", "about": {"@id": ARK}}, root],
    }
    as_crate = crate_to_croissant(crate)
    as_dataset = dataset_to_croissant(root)
    for key in ("name", "description", "license", "keywords", "creator", "dateCreated", "citeAs"):
        assert as_dataset[key] == as_crate[key], key


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ("Dataset", True),
        (["Dataset", "schema:Thing"], True),
        ("https://schema.org/Dataset", True),
        (["prov:Entity", "https://w3id.org/EVI#Dataset"], False),  # a FAIRSCAPE data file
        (["Dataset", "https://w3id.org/EVI#ROCrate"], False),  # a crate's root
        ("DataDownload", False),  # an origdatablock
        (["prov:Entity", "https://w3id.org/EVI#Software"], False),
        (None, False),
    ],
)
def test_which_json_ld_is_a_schema_org_dataset(types: Any, expected: bool) -> None:
    assert is_dataset({"@type": types} if types is not None else {}) is expected
