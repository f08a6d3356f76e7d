"""RO-Crate -> Croissant: real crates (fairscape-cli, ro-crate-py) validate offline in mlcroissant.

The crates are built by the real tools, then "ingested" the way fairdepot stores them: each file
gets sha256, md5, contentSize and a download contentUrl. mlcroissant runs with sockets disabled.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlcroissant as mlc
import pytest
from fairscape_models.conversion.converter import ROCToTargetConverter
from fairscape_models.conversion.mapping.croissant import MAPPING_CONFIGURATION
from fairscape_models.conversion.models import DEFAULT_CROISSANT_CONTEXT
from fairscape_models.rocrate import ROCrateV1_2
from rocrate.model.contextentity import ContextEntity
from rocrate.model.person import Person
from rocrate.rocrate import ROCrate

from fairdepot.core import ark
from fairdepot.core.errors import InvalidInput
from fairdepot.core.metadata.croissant import (
    CROISSANT_CONFORMS_TO,
    CROISSANT_MEDIA_TYPE,
    crate_to_croissant,
)

CLI = Path(sys.executable).with_name("fairscape-cli")
DOWNLOAD = "http://127.0.0.1:8000/api/dataset/download/"
INPUT_CSV = "gene,s1,s2\nA,1,2\nB,3,4\n"
SUMMARY_CSV = "stat,value\nmean,2.5\n"
DATA_FILES = {"Input_Expression_Data", "Summary_Statistics", "Typed_Expression_Data"}
JsonObject = dict[str, Any]


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs with outgoing connections refused."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access is forbidden in the Croissant tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _cli(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [str(CLI), *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=180
    )
    return done.stdout


def _last_ark(output: str) -> str:
    found = re.findall(r"ark:\d+/\S+", output)
    assert found, output
    return str(found[-1])


def _ingest(crate_dir: Path, crate: JsonObject, *, size_as_text: bool) -> JsonObject:
    """What fairdepot's ingest adds to each file entity: checksums, size, download URL."""
    for entity in crate["@graph"]:
        url = entity.get("contentUrl")
        if isinstance(url, str) and url.startswith("file:///"):
            path = crate_dir / url.removeprefix("file:///")
        elif (crate_dir / entity["@id"]).is_file() and entity["@id"] != "ro-crate-metadata.json":
            path = crate_dir / entity["@id"]
        else:
            continue
        data = path.read_bytes()
        identifier = (
            entity["@id"] if entity["@id"].startswith("ark:") else str(ark.mint("99999", "fd1"))
        )
        entity["sha256"] = hashlib.sha256(data).hexdigest()
        entity["md5"] = hashlib.md5(data).hexdigest()
        entity["contentSize"] = str(len(data)) if size_as_text else len(data)
        entity["contentUrl"] = DOWNLOAD + identifier
    return crate


@pytest.fixture(scope="module")
def cli_crate_dir(fairscape_crate_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite's reference crate (§3, built once per session by tests/conftest.py), copied,
    plus a schema the CLI infers from the input CSV and a dataset the CLI links to it."""
    crate = tmp_path_factory.mktemp("fairscape") / "example-crate"
    shutil.copytree(fairscape_crate_dir, crate)
    schema = _last_ark(
        _cli(
            *("schema", "infer", "data/input_data.csv", "schema.json"),
            *("--name", "Expression Schema", "--description", "Columns of the expression table"),
            *("--rocrate-path", "."),
            cwd=crate,
        )
    )
    _cli(
        *("rocrate", "add", "dataset", ".", "--name", "Typed Expression Data"),
        *("--author", "Jane Doe", "--keywords", "test", "--version", "1.0"),
        *("--description", "The input expression table, described by its schema"),
        *("--data-format", "csv", "--date-published", "2025-01-15", "--schema", schema),
        *("--source-filepath", "data/input_data.csv"),
        *("--destination-filepath", "data/typed/input_data.csv"),
        cwd=crate,
    )
    _cli("augment", "add-io", ".", cwd=crate)
    return crate


@pytest.fixture
def cli_crate(cli_crate_dir: Path) -> JsonObject:
    """The CLI crate as fairdepot stores it after ingest."""
    crate = json.loads((cli_crate_dir / "ro-crate-metadata.json").read_text())
    return _ingest(cli_crate_dir, crate, size_as_text=True)


@pytest.fixture(scope="module")
def plain_crate_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An RO-Crate 1.1-style crate from ro-crate-py: Person and license by reference, two
    files with the same file name in different folders, one of them without a `name`."""
    work = tmp_path_factory.mktemp("plain")
    (work / "input.csv").write_text(INPUT_CSV)
    (work / "summary.csv").write_text(SUMMARY_CSV)
    crate = ROCrate()
    crate.name = "Plain Expression Crate"
    crate.description = "The same data described by ro-crate-py"
    crate.root_dataset["version"] = "1.0.0"
    crate.root_dataset["keywords"] = "expression, test"
    crate.root_dataset["author"] = crate.add(Person(crate, "#jane", properties={"name": "Jane"}))
    crate.license = crate.add(
        ContextEntity(
            crate,
            "https://spdx.org/licenses/CC-BY-4.0",
            properties={"@type": "CreativeWork", "name": "CC BY 4.0"},
        )
    )
    crate.add_file(
        work / "input.csv",
        dest_path="raw/data.csv",
        properties={"name": "Input data", "encodingFormat": "text/csv"},
    )
    crate.add_file(work / "summary.csv", dest_path="derived/data.csv")
    crate.write(work / "crate")
    return work / "crate"


@pytest.fixture
def plain_crate(plain_crate_dir: Path) -> JsonObject:
    crate = json.loads((plain_crate_dir / "ro-crate-metadata.json").read_text())
    return _ingest(plain_crate_dir, crate, size_as_text=False)


# --- mlcroissant ------------------------------------------------------------------------------


@dataclass
class Validation:
    errors: set[str]
    warnings: set[str]
    logged: list[str]

    @property
    def checksum_warnings(self) -> set[str]:
        return {w for w in self.warnings if "md5" in w or "sha256" in w}


def _validate(doc: JsonObject, caplog: pytest.LogCaptureFixture) -> Validation:
    """mlcroissant's static validation; `logged` has what it only logs (e.g. @context)."""
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        try:
            dataset = mlc.Dataset(jsonld=copy.deepcopy(doc))
        except mlc.ValidationError as exc:
            return Validation({str(exc)}, set(), [r.getMessage() for r in caplog.records])
    issues = dataset.metadata.issues
    return Validation(issues.errors, issues.warnings, [r.getMessage() for r in caplog.records])


def _entity(crate: JsonObject, name: str) -> JsonObject:
    return next(e for e in crate["@graph"] if e.get("name") == name)


def _crate(*entities: JsonObject, root: JsonObject | None = None) -> JsonObject:
    """A minimal stored crate around the given entities."""
    root = {
        "@id": "ark:99999/fd1root",
        "@type": "Dataset",
        "name": "Tiny",
        "license": "https://spdx.org/licenses/MIT",
        "version": "1.0",
        **(root or {}),
    }
    descriptor = {"@id": "ro-crate-metadata.json", "about": {"@id": root["@id"]}}
    return {"@context": {"@vocab": "https://schema.org/"}, "@graph": [descriptor, root, *entities]}


def _file(identifier: str, **properties: Any) -> JsonObject:
    url = DOWNLOAD + "ark:99999/fd1" + hashlib.md5(identifier.encode()).hexdigest()[:8]
    return {"@id": identifier, "@type": "File", "sha256": "0" * 64, "contentUrl": url, **properties}


# --- the hard requirements ---------------------------------------------------------------------


def test_fairscape_cli_crate_validates_offline_with_no_errors_and_no_warnings(
    cli_crate: JsonObject, caplog: pytest.LogCaptureFixture
) -> None:
    doc = crate_to_croissant(cli_crate)
    result = _validate(doc, caplog)
    assert result.errors == set()
    assert result.checksum_warnings == set()
    assert result.warnings == set()
    assert result.logged == []
    assert {fo["name"] for fo in doc["distribution"]} == DATA_FILES
    assert len(doc["recordSet"]) == 1


def test_plain_ro_crate_py_crate_validates_offline_with_no_errors_and_no_warnings(
    plain_crate: JsonObject, caplog: pytest.LogCaptureFixture
) -> None:
    doc = crate_to_croissant(plain_crate)
    result = _validate(doc, caplog)
    assert result.errors == set()
    assert result.checksum_warnings == set()
    assert result.warnings == set()
    assert result.logged == []


def test_files_sharing_a_file_name_stay_two_file_objects_in_mlcroissant(
    plain_crate: JsonObject,
) -> None:
    doc = crate_to_croissant(plain_crate)
    ids = [fo["@id"] for fo in doc["distribution"]]
    assert len(ids) == len(set(ids)) == 2
    # mlcroissant silently merges FileObjects with equal @ids: count what it actually sees.
    assert len(mlc.Dataset(jsonld=doc).metadata.file_objects) == 2


def test_same_last_segment_or_name_gives_distinct_stable_file_ids() -> None:
    entities = [
        _file("ark:59852/dataset-expression", name="Expression"),
        _file("ark:99999/dataset-expression", name="Expression"),
        _file("raw/data.csv"),
        _file("derived/data.csv"),
        _file("ark:99999/fd1unique", name="Expression"),
    ]
    forward = crate_to_croissant(_crate(*entities))["distribution"]
    backward = crate_to_croissant(_crate(*reversed(entities)))["distribution"]
    ids = [fo["@id"] for fo in forward]
    assert len(set(ids)) == 5
    assert all(re.fullmatch(r"#file-[A-Za-z0-9_~-]+", i) for i in ids)
    assert "#file-fd1unique" in ids  # no suffix where nothing collides
    assert sorted(ids) == sorted(fo["@id"] for fo in backward)


def test_file_without_checksum_is_still_a_file_object_and_mlcroissant_reports_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    crate = _crate(
        {
            "@id": "ark:99999/fd1nosum",
            "@type": ["prov:Entity", "https://w3id.org/EVI#Dataset"],
            "name": "No Checksum",
            "format": "csv",
            "contentUrl": DOWNLOAD + "ark:99999/fd1nosum",
        },
        root={"datePublished": "2025-01-15"},
    )
    doc = crate_to_croissant(crate)
    [file_object] = doc["distribution"]
    assert file_object["@id"] == "#file-fd1nosum"
    assert "sha256" not in file_object
    assert "md5" not in file_object
    errors = _validate(doc, caplog).errors
    assert any("md5" in e and "sha256" in e for e in errors)


def test_mlcroissant_runs_with_the_network_blocked() -> None:
    with pytest.raises(OSError, match="forbidden"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError, match="forbidden"):
        socket.socket().connect(("127.0.0.1", 9))


def test_warning_capture_sees_a_non_standard_context(
    cli_crate: JsonObject, caplog: pytest.LogCaptureFixture
) -> None:
    """The zero-warning assertions above are not vacuous: fairscape-models' context is seen."""
    doc = crate_to_croissant(cli_crate)
    doc["@context"] = copy.deepcopy(DEFAULT_CROISSANT_CONTEXT)
    assert any("not standard" in message for message in _validate(doc, caplog).logged)


def test_missing_version_is_the_one_warning_that_cannot_be_derived(
    plain_crate: JsonObject, caplog: pytest.LogCaptureFixture
) -> None:
    next(e for e in plain_crate["@graph"] if e["@id"] == "./").pop("version")
    result = _validate(crate_to_croissant(plain_crate), caplog)
    assert result.errors == set()
    assert len(result.warnings) == 1
    assert "https://schema.org/version" in result.warnings.pop()


# --- the mapping ------------------------------------------------------------------------------


def test_output_agrees_with_fairscape_models_where_both_map_a_field(cli_crate: JsonObject) -> None:
    theirs = (
        ROCToTargetConverter(ROCrateV1_2(**copy.deepcopy(cli_crate)), MAPPING_CONFIGURATION)
        .convert()
        .model_dump(by_alias=True, exclude_none=True)
    )
    ours = crate_to_croissant(cli_crate)
    for key in ("@type", "name", "description", "dct:conformsTo", "license", "keywords"):
        assert ours[key] == theirs[key], key
    assert ours["version"] == theirs["version"]
    assert ours["creator"] == theirs["creator"]
    shared = (
        "@id",
        "@type",
        "name",
        "description",
        "contentUrl",
        "encodingFormat",
        "sha256",
        "md5",
    )
    assert [{k: fo[k] for k in shared} for fo in ours["distribution"]] == [
        {k: fo[k] for k in shared} for fo in theirs["distribution"]
    ]
    assert [rs["@id"] for rs in ours["recordSet"]] == [rs["@id"] for rs in theirs["recordSet"]]
    assert [(f["@id"], f["dataType"]) for f in ours["recordSet"][0]["field"]] == [
        (f["@id"], f["dataType"]) for f in theirs["recordSet"][0]["field"]
    ]


def test_root_becomes_a_croissant_rai_dataset(cli_crate: JsonObject) -> None:
    doc = crate_to_croissant(cli_crate)
    assert CROISSANT_MEDIA_TYPE == "application/vnd.mlcommons-croissant+json"
    assert doc["@type"] == "sc:Dataset"
    assert doc["dct:conformsTo"] == list(CROISSANT_CONFORMS_TO)
    assert doc["name"] == "Example_Expression_Crate"
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert doc["keywords"] == ["fairscape", "test", "rocrate"]
    assert doc["version"] == "1.0"
    assert doc["datePublished"] == "2025-01-15"
    assert doc["creator"] == [{"@type": "sc:Person", "name": "Jane Doe"}]
    root_id = _entity(cli_crate, "Example Expression Crate")["@id"]
    assert doc["citeAs"] == (
        f"Jane Doe (2025). Example Expression Crate (Version 1.0) [Data set]. {root_id}"
    )


def test_software_and_computation_are_not_distributions(cli_crate: JsonObject) -> None:
    doc = crate_to_croissant(cli_crate)
    assert {fo["name"] for fo in doc["distribution"]} == DATA_FILES


def test_file_object_carries_download_url_checksums_size_and_mime_type(
    cli_crate: JsonObject, cli_crate_dir: Path
) -> None:
    entity = _entity(cli_crate, "Input Expression Data")
    data = (cli_crate_dir / "data/input_data.csv").read_bytes()
    [file_object] = [
        fo
        for fo in crate_to_croissant(cli_crate)["distribution"]
        if fo["name"] == "Input_Expression_Data"
    ]
    assert file_object == {
        "@id": "#file-" + entity["@id"].split("/")[-1],
        "@type": "cr:FileObject",
        "name": "Input_Expression_Data",
        "description": "Gene expression values for four samples",
        "contentUrl": DOWNLOAD + entity["@id"],
        "encodingFormat": "text/csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "md5": hashlib.md5(data).hexdigest(),
        "contentSize": f"{len(data)} B",
    }


def test_record_set_from_the_cli_schema_reads_the_csv_offline(
    cli_crate: JsonObject, cli_crate_dir: Path
) -> None:
    doc = crate_to_croissant(cli_crate)
    [record_set] = doc["recordSet"]
    [source] = {f["source"]["fileObject"]["@id"] for f in record_set["field"]}
    assert source == next(
        fo["@id"] for fo in doc["distribution"] if fo["name"] == "Typed_Expression_Data"
    )
    table = cli_crate_dir / "data/typed/input_data.csv"
    dataset = mlc.Dataset(jsonld=doc, mapping={source: str(table)})
    rows = list(dataset.records(record_set["@id"]))
    sample, value = (f"{record_set['@id']}/{column}" for column in ("sample_id", "expression"))
    expected = [line.split(",") for line in table.read_text().splitlines()[1:]]
    assert [(row[sample], row[value]) for row in rows] == [
        (cells[0].encode(), float(cells[2])) for cells in expected
    ]
    assert record_set["key"][0] == {"@id": sample}


def test_plain_crate_references_resolve_and_file_name_stands_in_for_name(
    plain_crate: JsonObject,
) -> None:
    doc = crate_to_croissant(plain_crate)
    assert doc["name"] == "Plain_Expression_Crate"
    assert doc["creator"] == [{"@type": "sc:Person", "name": "Jane"}]
    assert doc["license"] == "https://spdx.org/licenses/CC-BY-4.0"
    assert doc["keywords"] == ["expression", "test"]
    assert [fo["name"] for fo in doc["distribution"]] == ["Input_data", "data.csv"]
    assert all(fo["contentUrl"].startswith(DOWNLOAD + "ark:99999/") for fo in doc["distribution"])
    assert doc["citeAs"].startswith("Jane (")


def test_author_forms_become_creators() -> None:
    person = {"@id": "https://orcid.org/0000-0002-1825-0097", "@type": "Person", "name": "Ann"}
    lab = {"@id": "#lab", "@type": "Organization", "name": "Lab", "url": "https://lab.example"}
    refs = [{"@id": person["@id"]}, {"@id": "#lab"}, "Bo Li", {"@id": "https://orcid.org/x"}]
    doc = crate_to_croissant(_crate(person, lab, root={"author": refs, "publisher": "Depot"}))
    assert doc["creator"] == [
        {"@type": "sc:Person", "name": "Ann", "url": person["@id"]},
        {"@type": "sc:Organization", "name": "Lab", "url": "https://lab.example"},
        {"@type": "sc:Person", "name": "Bo Li"},
        {"@type": "sc:Person", "url": "https://orcid.org/x"},
    ]
    assert doc["publisher"] == {"@type": "sc:Organization", "name": "Depot"}
    split = crate_to_croissant(_crate(root={"author": "A B, C D; E F"}))["creator"]
    assert [c["name"] for c in split] == ["A B", "C D", "E F"]


def test_cite_as_prefers_associated_publication_then_citation_then_derived() -> None:
    both = {"associatedPublication": ["Doe J. Paper. 2024."], "citation": "Other"}
    assert crate_to_croissant(_crate(root=both))["citeAs"] == "Doe J. Paper. 2024."
    doi = {"@id": "https://doi.org/10.1/x"}
    assert crate_to_croissant(_crate(root={"citation": doi}))["citeAs"] == doi["@id"]
    derived = {"author": "Jane", "datePublished": "2024-03-01", "publisher": "Depot"}
    assert crate_to_croissant(_crate(root=derived))["citeAs"] == (
        "Jane (2024). Tiny (Version 1.0) [Data set]. Depot. ark:99999/fd1root"
    )


def test_rai_properties_pass_through_with_additional_property_fallbacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = [
        {"@type": "PropertyValue", "name": "Intended Use", "value": "Benchmarking"},
        {"@type": "PropertyValue", "name": "Limitations", "value": "Small"},
        {"@type": "PropertyValue", "name": "Prohibited Uses", "value": "Diagnosis"},
        {"@id": "#bias"},
        {"@type": "PropertyValue", "name": "Maintenance Plan", "value": "Yearly"},
        {"@type": "PropertyValue", "name": "Human Subject", "value": "Yes"},
        {"@type": "PropertyValue", "name": "De-identified Samples", "value": True},
    ]
    bias = {"@id": "#bias", "@type": "PropertyValue", "name": "Potential Sources of Bias"}
    bias["value"] = "One lab"
    root = {
        "rai:dataCollection": ["Survey", "Sensors"],
        "http://mlcommons.org/croissant/RAI/dataUseCases": "Teaching",
        "additionalProperty": answers,
        "datePublished": "2025-01-15",
    }
    doc = crate_to_croissant(_crate(_file("a.csv"), bias, root=root))
    assert doc["rai:dataCollection"] == "Survey\nSensors"
    assert doc["rai:dataUseCases"] == ["Teaching"]
    assert doc["rai:dataLimitations"] == ["Small", "Diagnosis"]
    assert doc["rai:dataBiases"] == ["One lab"]
    assert doc["rai:dataReleaseMaintenancePlan"] == "Yearly"
    assert doc["rai:personalSensitiveInformation"] == [
        "Involves human subjects: Yes. Uses de-identified samples: True."
    ]
    result = _validate(doc, caplog)
    assert (result.errors, result.warnings) == (set(), set())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("csv", "text/csv"),
        (".CSV", "text/csv"),
        ("text/CSV", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("parquet", "application/x-parquet"),
        ("jsonl", "application/jsonlines"),
        ("git", "git+https"),
        ("h5", "application/x-hdf5"),
        ("py", "text/plain"),
    ],
)
def test_format_values_map_to_media_types(value: str, expected: str) -> None:
    doc = crate_to_croissant(_crate(_file("ark:99999/fd1x", format=value)))
    assert doc["distribution"][0]["encodingFormat"] == expected


def test_mime_type_beats_format_url_and_extension_is_the_last_resort() -> None:
    pronom = {"@id": "https://www.nationalarchives.gov.uk/PRONOM/x-fmt/18"}
    doc = crate_to_croissant(
        _crate(
            _file("a.csv", encodingFormat=[pronom, "text/csv"]),
            _file("b.parquet"),
            _file("c.unknown"),
        )
    )
    assert [fo["encodingFormat"] for fo in doc["distribution"]] == [
        "text/csv",
        "application/x-parquet",
        "text/plain",
    ]


def test_schema_arrays_objects_and_splits_become_valid_croissant_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = {
        "@id": "ark:99999/fd1schema",
        "@type": "EVI:Schema",
        "name": "Samples",
        "properties": {
            "sample id": {"type": "string", "index": 0},
            "tags": {"type": "array", "items": {"type": "integer"}, "index": 1},
            "meta": {"type": "object", "index": 2, "properties": {"x": {"type": "number"}}},
            "split": {"type": "string", "index": 3},
        },
        "required": ["sample id", "missing"],
    }
    data = _file("ark:99999/fd1data", name="Samples", format="csv")
    data["evi:Schema"] = {"@id": schema["@id"]}
    doc = crate_to_croissant(_crate(data, schema, root={"datePublished": "2025-01-15"}))
    samples, splits = doc["recordSet"]
    fields = {f["name"]: f for f in samples["field"]}
    assert samples["key"] == [{"@id": "#recordset-fd1schema/sample_id"}]
    assert (fields["tags"]["dataType"], fields["tags"]["repeated"]) == ("sc:Integer", True)
    assert fields["meta"]["subField"][0]["source"]["extract"] == {"column": "meta.x"}
    assert fields["split"]["references"] == {"field": {"@id": "splits/name"}}
    assert splits["@id"] == "splits"
    result = _validate(doc, caplog)
    assert (result.errors, result.warnings, result.logged) == (set(), set(), [])


def test_schema_shared_by_two_files_gives_one_record_set_per_file() -> None:
    schema = {"@id": "#s", "@type": "EVI:Schema", "properties": {"a": {"type": "string"}}}
    first, second = _file("one.csv"), _file("two.csv")
    first["dataSchema"] = second["dataSchema"] = {"@id": "#s"}
    sets = crate_to_croissant(_crate(first, second, schema))["recordSet"]
    sources = [rs["field"][0]["source"]["fileObject"]["@id"] for rs in sets]
    assert sources == ["#file-one-csv", "#file-two-csv"]
    assert len({rs["@id"] for rs in sets}) == 2


def test_directory_dataset_of_a_plain_crate_is_not_a_file() -> None:
    folder = {"@id": "raw/", "@type": "Dataset", "hasPart": [{"@id": "raw/a.csv"}]}
    doc = crate_to_croissant(_crate(folder, _file("raw/a.csv")))
    assert [fo["@id"] for fo in doc["distribution"]] == ["#file-a-csv"]


def test_dates_that_are_not_iso_8601_are_dropped() -> None:
    root = {
        "datePublished": "15/01/2025",
        "dateCreated": "2024",
        "dateModified": "2025-01-15T10:00Z",
    }
    doc = crate_to_croissant(_crate(root=root))
    assert "datePublished" not in doc
    assert (doc["dateCreated"], doc["dateModified"]) == ("2024", "2025-01-15T10:00Z")


def test_content_size_gets_an_explicit_byte_unit() -> None:
    doc = crate_to_croissant(
        _crate(_file("a.csv", contentSize=12), _file("b.csv", contentSize="3 MB"))
    )
    assert [fo["contentSize"] for fo in doc["distribution"]] == ["12 B", "3 MB"]


@pytest.mark.parametrize(
    "document",
    [
        {"@context": {}},
        {"@graph": [{"@id": "ro-crate-metadata.json", "about": {"@id": "ark:99999/gone"}}]},
    ],
)
def test_document_without_graph_or_root_is_invalid_input(document: JsonObject) -> None:
    with pytest.raises(InvalidInput) as raised:
        crate_to_croissant(document)
    assert raised.value.message.startswith("not an RO-Crate")
    assert raised.value.problems[0].location == "/@graph"


def test_input_crate_is_left_unchanged(cli_crate: JsonObject) -> None:
    before = copy.deepcopy(cli_crate)
    doc = crate_to_croissant(cli_crate)
    doc["distribution"][0]["name"] = "changed"
    doc["@context"]["cr"] = "changed"
    assert cli_crate == before
    assert crate_to_croissant(cli_crate)["@context"]["cr"] == "http://mlcommons.org/croissant/"


ODD_SIZES = [
    "²",
    "٣",
    10**5000,
    "9" * 5000,
    -5,
    "-5",
    [],
    [{"x": 1}],
    {"a": 1},
    1.5,
    True,
    " ",
    "big",
]


@pytest.mark.parametrize("size", ODD_SIZES, ids=lambda v: type(v).__name__)
def test_an_odd_content_size_of_a_web_file_is_omitted_and_the_rest_validates(
    size: Any, caplog: pytest.LogCaptureFixture
) -> None:
    web_file = {
        "@id": "https://data.example.org/table.csv",
        "@type": "File",
        "name": "Table",
        "sha256": "0" * 64,
        "contentSize": size,
    }
    doc = crate_to_croissant(_crate(web_file))
    json.dumps(doc, allow_nan=False)
    (described,) = doc["distribution"]
    assert "contentSize" not in described, described
    assert described["contentUrl"] == web_file["@id"]
    assert _validate(doc, caplog).errors == set()


@pytest.mark.parametrize(
    ("size", "expected"),
    [(1024.0, "1024 B"), ("12", "12 B"), ("3 MB", "3 MB"), ("1.5 GiB", "1.5 GiB"), ([7], "7 B")],
)
def test_a_readable_content_size_is_normalised(size: Any, expected: str) -> None:
    doc = crate_to_croissant(_crate(_file("a.csv", contentSize=size)))
    assert doc["distribution"][0]["contentSize"] == expected
