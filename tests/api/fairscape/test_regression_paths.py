"""Code paths an outside audit broke on purpose without any test failing, now each pinned.

Each test checks the behaviour itself (the bytes, the names, the header), not only a status
code, so that breaking the path it names makes it fail.
"""

from __future__ import annotations

import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from tests.support.blobs import blob_keys
from tests.support.catalogue import insert_private_record
from tests.support.zips import crate_metadata, crate_zip

SCRIPT = b"import csv, sys\nprint(sys.argv)\n"  # summarize.py in the fairscape-cli crate


@pytest.fixture(scope="module")
def crate_job(api, fairscape_crate_dir, tmp_path_factory):
    from tests.support.crates import fresh_copy, zip_folder

    tmp = tmp_path_factory.mktemp("regression")
    crate = fresh_copy(fairscape_crate_dir, tmp / "crate")
    job = api.ingest(zip_folder(crate, tmp / "crate.zip"))
    assert job["status"] == "COMPLETE", job
    return job


def _member(job, marker: str) -> str:
    return next(i for i in job["identifiers"] if marker in i)


def _software(api, name: str, user: str = "alice") -> str:
    body = {"@type": "https://w3id.org/EVI#Software", "name": name, "description": "a tool"}
    created = api.http.post("/software", json=body, headers=api.auth(user))
    assert created.status_code == 201, created.text
    return created.json()["@id"]


# -- uploads ----------------------------------------------------------------------------------


def _upload_keys(server) -> set[str]:
    return {k for k in blob_keys(server) if k.startswith("uploads/")}


def test_an_upload_refused_by_the_archive_check_deletes_the_streamed_zip(
    api, server, tmp_path: Path
) -> None:
    before = _upload_keys(server)
    not_a_zip = tmp_path / "not-a-crate.zip"
    not_a_zip.write_bytes(b"PK\x03\x04 this is no zip at all " * 1000)
    response = api.upload(not_a_zip)
    assert response.status_code == 400, response.text
    assert _upload_keys(server) == before


def test_an_unauthenticated_upload_is_401_and_stores_nothing(api, server, tmp_path) -> None:
    before = _upload_keys(server)
    path = crate_zip(tmp_path / "anon.zip", crate_metadata())
    with path.open("rb") as handle:
        response = api.http.post(
            "/rocrate/upload-async", files={"crate": ("anon.zip", handle, "application/zip")}
        )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _upload_keys(server) == before


def test_login_with_bad_credentials_is_401_over_http(api) -> None:
    for form in (
        {"username": "alice", "password": "not-alices-password"},
        {"username": f"nobody-{uuid.uuid4().hex[:6]}", "password": "x"},
    ):
        response = api.http.post("/login", data=form)
        assert response.status_code == 401, response.text
        assert "access_token" not in response.json()
    assert api.http.post("/login", data={"username": "alice", "password": "alice-pw"}).json()[
        "access_token"
    ]


def test_two_concurrent_uploads_of_one_crate_by_its_owner_are_two_revisions_of_it(
    api, fresh_fairscape_zip
) -> None:
    with ThreadPoolExecutor(2) as pool:
        uploads = list(pool.map(lambda _: api.upload(fresh_fairscape_zip), range(2)))
    assert [u.status_code for u in uploads] == [202, 202]
    finished = [api.wait(u.json()["guid"]) for u in uploads]
    complete = [j for j in finished if j["status"] == "COMPLETE"]
    # Neither upload is lost to the race: the later one is the crate's next revision, exactly
    # as if it had been sent after the first had finished.
    assert len(complete) == 2, finished
    crate = complete[0]["rocrateIdentifier"]
    assert {j["rocrateIdentifier"] for j in complete} == {crate}
    assert api.http.get(f"/{crate}").json()["revision"] == 2
    graph_ids = [e["@id"] for e in api.http.get(f"/rocrate/{crate}").json()["@graph"]]
    assert len(graph_ids) == len(set(graph_ids))  # no member twice
    assert set(complete[0]["identifiers"]) <= set(graph_ids)


# -- who sees what ----------------------------------------------------------------------------


def test_an_unreadable_record_answers_404_like_a_missing_one(api, server) -> None:
    ark = f"ark:99999/fd1private{uuid.uuid4().hex[:8]}"
    insert_private_record(
        server, ark, "alice", "lab-a", {"@type": "Dataset", "name": "Private plate reads"}
    )
    missing = api.http.get(f"/ark:99999/fd1missing{uuid.uuid4().hex[:8]}")
    assert missing.status_code == 404
    for who in (None, "bob"):
        response = api.http.get(f"/{ark}", headers=api.auth(who) if who else {})
        assert response.status_code == 404
        assert response.json()["detail"] == missing.json()["detail"]
        assert "Private plate reads" not in response.text
    for who in ("alice", "carol", "admin"):  # owner, owner's group, administrator
        readable = api.http.get(f"/{ark}", headers=api.auth(who))
        assert readable.json()["metadata"]["name"] == "Private plate reads", who


def test_dependents_the_caller_cannot_see_are_counted_not_named(api, server) -> None:
    tool = _software(api, f"depended-on {uuid.uuid4().hex[:6]}")
    hidden = f"ark:99999/fd1hidden{uuid.uuid4().hex[:8]}"
    insert_private_record(
        server,
        hidden,
        "bob",
        "lab-b",
        {
            "@type": "https://w3id.org/EVI#Computation",
            "name": "Bob's secret run",
            "usedSoftware": [{"@id": tool}],
        },
    )
    response = api.http.delete(f"/{tool}", headers=api.auth("alice"))
    assert response.status_code == 409
    body = response.json()
    assert body.get("dependents", []) == []
    assert "1 of them you cannot see" in body["detail"]
    assert hidden not in response.text
    assert "secret" not in response.text
    as_admin = api.http.delete(f"/{tool}", headers=api.auth("admin")).json()
    assert [d["@id"] for d in as_admin["dependents"]] == [hidden]
    assert api.http.get(f"/{tool}").status_code == 200


def test_job_status_is_visible_to_the_owners_group_only(api, crate_job) -> None:
    status = f"/rocrate/upload/status/{crate_job['guid']}"
    carol = api.http.get(status, headers=api.auth("carol"))  # alice's group lab-a
    assert carol.status_code == 200
    assert carol.json()["guid"] == crate_job["guid"]
    assert carol.json()["rocrateIdentifier"] == crate_job["rocrateIdentifier"]
    assert api.http.get(status, headers=api.auth("bob")).status_code in (403, 404)


def test_an_admin_sees_every_crate_in_the_listing(api, crate_job) -> None:
    crate = crate_job["rocrateIdentifier"]

    def listed(user: str) -> set[str]:
        response = api.http.get("/rocrate", params={"limit": 1000}, headers=api.auth(user))
        return {c["@id"] for c in response.json()["rocrates"]}

    assert crate in listed("admin")
    assert crate in listed("alice")
    assert crate not in listed("bob")


def test_put_keeps_context_type_and_crate_membership(api, crate_job) -> None:
    software = _member(crate_job, "/software-")
    before = api.http.get(f"/{software}").json()["metadata"]
    body = {"name": "Renamed script", "description": "a body without @context, @type, isPartOf"}
    response = api.http.put(f"/{software}", json=body, headers=api.auth("alice"))
    assert response.status_code == 200, response.text
    after = api.http.get(f"/{software}").json()
    assert after["metadata"]["name"] == "Renamed script"
    assert after["metadata"]["@context"] == before["@context"]
    assert after["metadata"]["@type"] == before["@type"]
    crate = crate_job["rocrateIdentifier"]
    assert crate in {p["@id"] for p in after["metadata"]["isPartOf"]}
    assert after["isPartOf"] == [{"@id": crate}]
    graph = api.http.get(f"/rocrate/{crate}").json()["@graph"]
    assert software in {e["@id"] for e in graph}


# -- bytes and representations ----------------------------------------------------------------


def test_view_is_inline_and_download_an_attachment(api, crate_job) -> None:
    software = _member(crate_job, "/software-")
    view = api.http.get(f"/view/{software}", headers=api.auth("alice"))
    assert view.status_code == 200
    assert view.headers["content-disposition"].startswith("inline;")
    assert view.content == SCRIPT
    download = api.http.get(f"/software/download/{software}", headers=api.auth("alice"))
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.content == SCRIPT


def test_a_download_carries_the_digest_of_its_bytes(api, crate_job) -> None:
    dataset = _member(crate_job, "/dataset-input-expression")
    response = api.http.get(f"/dataset/download/{dataset}", headers=api.auth("alice"))
    digest = hashlib.sha256(response.content).hexdigest()
    assert response.content.startswith(b"sample_id,gene,expression")
    assert response.headers["digest"] == f"sha-256={digest}"
    assert response.headers["etag"] == f'"{digest}"'


def test_path_chooses_one_file_of_a_crate(api, tmp_path: Path) -> None:
    files = {"data/a.csv": b"x\n1\n", "data/b.csv": b"y\n2\n"}
    entities = [{"@id": p, "@type": "File", "name": p} for p in files]
    job = api.ingest(crate_zip(tmp_path / "two.zip", crate_metadata(*entities), files))
    assert job["status"] == "COMPLETE", job
    crate = job["rocrateIdentifier"]
    auth = api.auth("alice")
    for path, content in files.items():
        chosen = api.http.get(f"/dataset/download/{crate}", params={"path": path}, headers=auth)
        assert chosen.status_code == 200
        assert chosen.content == content
    missing = api.http.get(
        f"/dataset/download/{crate}", params={"path": "data/c.csv"}, headers=auth
    )
    assert missing.status_code == 404
    assert "data/c.csv" in missing.json()["detail"]


def test_post_schema_registers_a_schema(api) -> None:
    body = {
        "@type": "https://w3id.org/EVI#Schema",
        "name": f"Expression table schema {uuid.uuid4().hex[:6]}",
        "description": "columns of the expression table",
        "properties": {"gene": {"type": "string"}},
    }
    created = api.http.post("/schema", json=body, headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    ark = created.json()["@id"]
    stored = api.http.get(f"/schema/{ark}")
    assert stored.status_code == 200
    assert stored.json()["metadata"]["name"] == body["name"]
    assert stored.json()["metadata"]["properties"] == body["properties"]
    assert api.http.get(f"/software/{ark}").status_code == 400  # it is a schema, not software


def test_the_resolver_answers_n_triples(api, crate_job) -> None:
    dataset = _member(crate_job, "/dataset-input-expression")
    response = api.http.get(f"/{dataset}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    graph = Graph().parse(data=response.text, format="nt")
    name = api.http.get(f"/{dataset}").json()["metadata"]["name"]
    assert any(o == Literal(name) for o in graph.objects())


def test_a_crate_with_no_acceptable_representation_is_406(api, crate_job) -> None:
    response = api.http.get(
        f"/rocrate/{crate_job['rocrateIdentifier']}", headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    body = response.json()
    assert "application/ld+json" in body["available"]
    assert response.headers["content-type"].startswith("application/problem+json")


def test_search_pages_with_limit_and_offset(api) -> None:
    word = f"pager{uuid.uuid4().hex[:8]}"
    made = {_software(api, f"{word} tool {i}") for i in range(3)}

    def page(limit: int, offset: int) -> dict:
        params = {"query": word, "limit": limit, "offset": offset}
        return api.http.get("/search/basic", params=params).json()

    first, second = page(2, 0), page(2, 2)
    assert first["total_results"] == second["total_results"] == 3
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    seen = [r["@id"] for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted(made)
    assert page(2, 3)["results"] == []


def test_search_results_carry_their_rank_as_score(api) -> None:
    word = f"rank{uuid.uuid4().hex[:8]}"
    weak = _software(api, f"a tool that mentions {word} once among many other words")
    strong = _software(api, f"{word} {word} {word}")
    results = api.http.get("/search/basic", params={"query": word}).json()["results"]
    assert [r["@id"] for r in results] == [strong, weak]
    assert results[0]["score"] > results[1]["score"] > 0
