"""Hostile input found by probing the FAIRSCAPE face from outside (issue 6, "Defects found").

Each answer must be a 4xx problem saying what is wrong and where, or a FAILED job whose error
locates the problem; never a 500, and never a record stored that later reads cannot serialise.
"""

from __future__ import annotations

import json
import uuid

import pytest

from fairdepot.core.metadata.croissant import CROISSANT_MEDIA_TYPE
from tests.support.zips import crate_metadata, crate_zip, write_zip

NOT_JSON_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999"]


def _problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return body


def _post_json(api, path: str, text: str, method: str = "POST"):
    headers = {**api.auth("alice"), "Content-Type": "application/json"}
    return api.http.request(method, path, content=text.encode(), headers=headers)


def _software(name: str | None = None) -> dict:
    return {
        "@type": "https://w3id.org/EVI#Software",
        "name": name or f"tool {uuid.uuid4().hex}",
        "description": "a tool",
        "author": "Alice",
    }


def _with_raw(document: dict, key: str, raw: str) -> str:
    """The document as JSON text with `key` set to the literal `raw` (not valid JSON)."""
    return json.dumps({**document, key: "__RAW__"}).replace('"__RAW__"', raw)


def _located(body: dict, location_part: str) -> None:
    locations = [e.get("location") or "" for e in body.get("errors", [])]
    assert any(location_part in loc for loc in locations), body


@pytest.mark.parametrize("literal", NOT_JSON_NUMBERS)
def test_non_json_numbers_in_an_entity_body_are_refused_with_their_place(api, literal) -> None:
    name = f"probe{uuid.uuid4().hex}"
    for route in ("/software", "/computation", "/schema", "/evidencegraph"):
        text = _with_raw(_software(name), "probeNaN", literal)
        _located(_problem(_post_json(api, route, text)), "body: probeNaN")
    found = api.http.get("/search/basic", params={"query": name}).json()
    assert found["total_results"] == 0, found


@pytest.mark.parametrize("literal", NOT_JSON_NUMBERS)
def test_a_put_with_a_non_json_number_is_refused_and_the_record_still_reads(api, literal) -> None:
    created = api.http.post("/software", json=_software(), headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    ark = created.json()["@id"]
    document = {**_software("changed"), "author": [{"name": "x", "probeNaN": "__RAW__"}]}
    text = json.dumps(document).replace('"__RAW__"', literal)
    body = _problem(_post_json(api, f"/{ark}", text, method="PUT"))
    _located(body, "author[0].probeNaN")
    for accept in ("application/json", "application/ld+json"):
        read = api.http.get(f"/{ark}", headers={"Accept": accept})
        assert read.status_code == 200, read.text
        document = json.loads(read.text, parse_constant=pytest.fail)
        assert document.get("metadata", document)["name"] != "changed"


def test_a_metadata_only_crate_with_nan_is_refused_naming_the_entity(api) -> None:
    text = json.dumps(crate_metadata()).replace('"hasPart"', '"probeNaN": NaN, "hasPart"')
    body = _problem(_post_json(api, "/rocrate/metadata", text))
    _located(body, 'body: @graph[1] "./" probeNaN')


def test_a_dataset_form_with_nan_is_refused(api) -> None:
    metadata = _with_raw({"@type": "Dataset", "name": "d", "description": "d"}, "size", "NaN")
    response = api.http.post(
        "/dataset", files={"datasetMetadata": (None, metadata)}, headers=api.auth("alice")
    )
    _located(_problem(response), "datasetMetadata: size")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"@type": "Software", "name": "deep", "x": ' + "[" * 600 + "]" * 600 + "}", "x[0]"),
        ("[" * 100_000 + "]" * 100_000, "line 1 column 257"),
        ('{"@type": "Software", "name": "big", "n": ' + "7" * 5000 + "}", "body: n"),
    ],
    ids=["600-deep", "100000-deep", "5000-digits"],
)
def test_deep_or_huge_json_bodies_are_refused_with_their_place(api, text, where) -> None:
    body = _problem(_post_json(api, "/software", text))
    _located(body, where)


def _failed_job(api, zip_path) -> dict:
    upload = api.upload(zip_path)
    assert upload.status_code == 202, upload.text
    job = api.wait(upload.json()["guid"])
    assert job["status"] == "FAILED", job
    assert "internal error" not in job["error"], job["error"]
    return job


@pytest.mark.parametrize("literal", NOT_JSON_NUMBERS)
def test_a_crate_with_a_non_json_number_fails_naming_the_entity(api, tmp_path, literal) -> None:
    text = json.dumps(crate_metadata()).replace('"hasPart"', f'"probeNaN": {literal}, "hasPart"')
    job = _failed_job(api, crate_zip(tmp_path / "nan.zip", text))
    assert 'ro-crate-metadata.json: @graph[1] "./" probeNaN: ' in job["error"], job["error"]


@pytest.mark.parametrize(
    ("depth", "where"),
    [(600, '@graph[1] "./" deep[0]'), (100_000, "ro-crate-metadata.json: line 1 column")],
)
def test_a_crate_nested_too_deep_fails_with_a_located_problem(api, tmp_path, depth, where) -> None:
    nested = "[" * depth + "]" * depth
    text = json.dumps(crate_metadata()).replace('"hasPart"', f'"deep": {nested}, "hasPart"')
    job = _failed_job(api, crate_zip(tmp_path / "deep.zip", text))
    assert where in job["error"], job["error"]
    assert "nested deeper than 256 levels" in job["error"]


def test_a_crate_with_a_5000_digit_number_fails_with_a_located_problem(api, tmp_path) -> None:
    text = json.dumps(crate_metadata()).replace('"hasPart"', f'"big": {"9" * 5000}, "hasPart"')
    job = _failed_job(api, crate_zip(tmp_path / "big.zip", text))
    assert '@graph[1] "./" big: a number of 5000 characters' in job["error"], job["error"]


def test_a_crate_nested_up_to_the_limit_is_ingested_and_reads_back(api, tmp_path) -> None:
    nested = "[" * 250 + "]" * 250  # the document, @graph and the root entity add three
    text = json.dumps(crate_metadata()).replace('"hasPart"', f'"deep": {nested}, "hasPart"')
    job = api.ingest(crate_zip(tmp_path / "deep-ok.zip", text))
    assert job["status"] == "COMPLETE", job
    crate = job["rocrateIdentifier"]
    for accept in ("application/json", "application/ld+json", "text/turtle"):
        assert api.http.get(f"/{crate}", headers={"Accept": accept}).status_code in (200, 406)
    assert api.http.get(f"/rocrate/{crate}").status_code == 200


def test_a_file_name_longer_than_the_file_system_allows_is_stored(api, tmp_path) -> None:
    long_name = "data/" + "n" * 300 + ".csv"
    metadata = crate_metadata({"@id": long_name, "@type": "File", "name": "Long name"})
    job = api.ingest(crate_zip(tmp_path / "long.zip", metadata, {long_name: b"a,b\n1,2\n"}))
    assert job["status"] == "COMPLETE", job
    (member,) = [i for i in job["identifiers"] if i != job["rocrateIdentifier"]]
    files = api.http.get(f"/download/{member}", headers=api.auth("alice"))
    assert files.status_code == 200, files.text
    assert files.content == b"a,b\n1,2\n"


def test_a_long_name_in_a_form_upload_is_kept_in_the_record_only(api) -> None:
    response = api.http.post(
        "/dataset",
        files={
            "datasetMetadata": (
                None,
                json.dumps({"@type": "Dataset", "name": "long", "description": "x"}),
            ),
            "uploadFile": ("z" * 300 + ".txt", b"hello", "text/plain"),
        },
        headers=api.auth("alice"),
    )
    assert response.status_code == 201, response.text


def test_members_with_odd_names_still_get_a_bounded_blob_key(api, server, tmp_path) -> None:
    from tests.support.blobs import blob_keys

    name = "d/" + "é" * 200 + ".txt"  # 400 bytes in UTF-8
    metadata = crate_metadata({"@id": name, "@type": "File", "name": "Accented"})
    job = api.ingest(
        write_zip(tmp_path / "odd.zip", {"ro-crate-metadata.json": json.dumps(metadata), name: "x"})
    )
    assert job["status"] == "COMPLETE", job
    keys = [k for k in blob_keys(server) if job["guid"] in k]
    assert keys
    assert all(len(k.encode()) < 200 for k in keys), keys


@pytest.mark.parametrize(
    "name", [5, None, {"name": "Ann"}, ["Ann", 3], {"@id": "https://orcid.org/0000-0001"}]
)
def test_info_answers_whatever_an_author_name_holds(api, name) -> None:
    created = api.http.post("/software", json=_software(), headers=api.auth("alice"))
    ark = created.json()["@id"]
    put = api.http.put(
        f"/{ark}",
        json={**_software("odd author"), "author": [{"name": name}]},
        headers=api.auth("alice"),
    )
    assert put.status_code == 200, put.text
    info = api.http.get(f"/{ark}", params={"info": ""})
    assert info.status_code == 200, info.text
    assert info.text.startswith("erc:\nwho: ")
    assert "what: odd author" in info.text


@pytest.mark.parametrize(
    "size", ["²", 10**60, -5, [[1]], {"a": 1}, "9" * 5000], ids=lambda v: type(v).__name__
)
def test_croissant_of_a_crate_with_an_odd_content_size_is_valid_json(api, size) -> None:
    web_file = {
        "@id": f"https://data.example.org/{uuid.uuid4().hex}.csv",
        "@type": "File",
        "name": "Remote table",
        "encodingFormat": {"odd": True},
        "sha256": 12,
        "contentSize": size,
    }
    created = api.http.post(
        "/rocrate/metadata", json=crate_metadata(web_file), headers=api.auth("alice")
    )
    assert created.status_code == 201, created.text
    crate = created.json()["rocrate_guid"]
    response = api.http.get(f"/rocrate/{crate}", headers={"Accept": CROISSANT_MEDIA_TYPE})
    assert response.status_code == 200, response.text
    croissant = json.loads(response.text, parse_constant=pytest.fail)
    (described,) = croissant["distribution"]
    assert "contentSize" not in described
    assert described["contentUrl"] == web_file["@id"]


def test_a_traversal_upload_file_name_is_stored_and_sent_as_a_base_name(api, plain_zip) -> None:
    with plain_zip.open("rb") as handle:
        upload = api.http.post(
            "/rocrate/upload-async",
            headers=api.auth("alice"),
            files={"crate": ("../../../../tmp/x.zip", handle, "application/zip")},
        )
    assert upload.status_code == 202, upload.text
    job = api.wait(upload.json()["guid"])
    assert job["status"] == "COMPLETE", job
    assert "/" not in (job.get("uploadPath") or "")
    download = api.http.get(
        f"/rocrate/download/{job['rocrateIdentifier']}", headers=api.auth("alice")
    )
    assert download.status_code == 200, download.text
    disposition = download.headers["content-disposition"]
    assert disposition == "attachment; filename=\"x.zip\"; filename*=UTF-8''x.zip", disposition


def test_a_form_upload_file_name_is_a_safe_base_name_in_record_and_header(api) -> None:
    response = api.http.post(
        "/dataset",
        files={
            "datasetMetadata": (
                None,
                json.dumps({"@type": "Dataset", "name": "n", "description": "d"}),
            ),
            "uploadFile": ("..\\..\\C:\\evil\\wïn.txt", b"hello", "text/plain"),
        },
        headers=api.auth("alice"),
    )
    assert response.status_code == 201, response.text
    ark = response.json()["@id"]
    download = api.http.get(f"/dataset/download/{ark}", headers=api.auth("alice"))
    assert download.status_code == 200, download.text
    disposition = download.headers["content-disposition"]
    assert disposition == "attachment; filename=\"w_n.txt\"; filename*=UTF-8''w%C3%AFn.txt"


@pytest.mark.parametrize("label", ["ARK:", "Ark:", "ARK:/", "ark:/", "aRk:"])
def test_every_spelling_of_the_ark_label_resolves_on_every_route(api, label) -> None:
    created = api.http.post("/software", json=_software(), headers=api.auth("alice"))
    ark = created.json()["@id"]
    spelled = label + ark.removeprefix("ark:")
    auth = api.auth("alice")
    assert api.http.get(f"/{spelled}").json()["@id"] == ark
    assert api.http.get(f"/software/{spelled}").status_code == 200
    put = api.http.put(f"/{spelled}", json=_software("relabelled"), headers=auth)
    assert put.status_code == 200, put.text
    published = api.http.put(
        "/publish", json={"@id": spelled, "publicationStatus": "PUBLISHED"}, headers=auth
    )
    assert published.status_code == 200, published.text
    assert api.http.get(f"/{ark}").json()["metadata"]["name"] == "relabelled"
    deleted = api.http.delete(f"/{spelled}", headers=auth)
    assert deleted.status_code == 200, deleted.text
    assert api.http.get(f"/{ark}").status_code == 410


def test_the_ark_label_of_crate_routes_is_case_insensitive(api, plain_zip) -> None:
    job = api.ingest(plain_zip)
    assert job["status"] == "COMPLETE", job
    spelled = "ARK:/" + job["rocrateIdentifier"].removeprefix("ark:")
    auth = api.auth("alice")
    assert api.http.get(f"/rocrate/{spelled}").status_code == 200
    assert api.http.get(f"/rocrate/summary/{spelled}").status_code == 200
    assert api.http.get(f"/rocrate/download/{spelled}", headers=auth).status_code == 200
    assert api.http.get(f"/download/{spelled}", headers=auth).status_code == 200


@pytest.mark.parametrize("kind", ["locator beyond the file", "short extra field"])
def test_malformed_zip64_structures_are_refused_at_upload(api, tmp_path, kind) -> None:
    from tests.core.test_crate_archive_fuzz import zip64_with_locator_offset, zip64_with_short_extra

    path = tmp_path / "zip64.zip"
    made = zip64_with_locator_offset(2**64 - 1) if kind.startswith("locator") else None
    path.write_bytes(made or zip64_with_short_extra())
    body = _problem(api.upload(path))
    assert "zip64" in json.dumps(body)


def _tracebacks(server) -> int:
    return sum(
        log.read_text(errors="replace").count("Traceback") for log in server.root.glob("*.log")
    )


def test_bad_input_leaves_no_traceback_in_the_server_log(api, server, tmp_path) -> None:
    before = _tracebacks(server)
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(crate_metadata()).replace('"hasPart"', f'"deep": {deep}, "hasPart"')
    _failed_job(api, crate_zip(tmp_path / "deep.zip", text))
    big = json.dumps(crate_metadata()).replace('"hasPart"', f'"big": {"9" * 5000}, "hasPart"')
    _failed_job(api, crate_zip(tmp_path / "big.zip", big))
    _problem(_post_json(api, "/software", deep))
    _problem(_post_json(api, "/rocrate/metadata", big))
    assert _tracebacks(server) == before


def test_a_member_path_longer_than_the_catalogue_keeps_is_refused_at_upload(api, tmp_path) -> None:
    name = "data/" + "/".join(["d" * 200] * 11) + ".csv"
    metadata = crate_metadata({"@id": name, "@type": "File", "name": "Long"})
    body = _problem(api.upload(crate_zip(tmp_path / "long-path.zip", metadata, {name: b"1"})))
    assert "longer than 2048 characters" in json.dumps(body)


@pytest.mark.parametrize(
    "entity",
    [
        {
            "@id": "#p",
            "@type": "Person",
            "name": "P",
            "sameAs": {"@id": "https://x.org/" + "x" * 2100},
        },
        {"@id": "#q", "@type": "Person", "name": "Q", "p" * 200: {"@id": "#p"}},
        {"@id": "ark:59852/" + "a" * 600, "@type": "Dataset", "name": "Overlong ARK"},
        {"@id": "#t", "@type": "T" * 100, "name": "Long type"},
    ],
    ids=["long-reference", "long-property", "long-ark", "long-type"],
)
def test_values_longer_than_database_columns_never_fail_a_job_internally(
    api, tmp_path, entity
) -> None:
    job = api.ingest(crate_zip(tmp_path / "long.zip", crate_metadata(entity)))
    assert job["status"] == "COMPLETE", job
    assert not [i for i in job["identifiers"] if len(i) > 512]
    for identifier in job["identifiers"]:
        assert api.http.get(f"/{identifier}").status_code == 200


def test_an_entity_with_an_overlong_ark_or_type_is_registered_not_a_500(api) -> None:
    body = {
        **_software(),
        "@id": "ark:59852/" + "b" * 600,
        "q" * 200: {"@id": "https://x.org/" + "y" * 2100},
    }
    created = api.http.post("/software", json=body, headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    assert len(created.json()["@id"]) < 100
