"""A SciCat dataset's ARK as a harvester reads it: every representation (JSON-LD, Turtle,
RDF/XML, N-Triples) of a dataset whose blocks name checksum algorithms no IRI can spell is
served and parses, never a 500; a character XML cannot carry makes only RDF/XML a 406; the
files fairdepot holds carry a `contentUrl` that downloads them, the facility's files none,
and the pointer past the cap is an absolute URL.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from rdflib import Graph, URIRef

from tests.support.scicat import Scicat, pid_path

FORMATS = {
    "application/ld+json": "json-ld",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
SCHEMA = "https://schema.org/"


def _dataset(scicat: Scicat, folder: str, **fields: Any) -> tuple[str, str]:
    name = f"rdf {uuid.uuid4().hex[:10]}"
    body = {
        "type": "raw",
        "datasetName": name,
        "owner": "Ponder Stibbons",
        "orcidOfOwner": "0000-0002-1825-0097",
        "ownerGroup": "group1",
        "contactEmail": "p@uu.am",
        "creationLocation": "UU",
        "principalInvestigators": ["Ponder"],
        "sourceFolder": folder,
        "creationTime": "2026-01-01T00:00:00Z",
        "techniques": [{"pid": "PaNET01217 <not an IRI>", "name": "SANS"}],
        **fields,
    }
    created = scicat.request("POST", "/api/v4/datasets", json=body)
    assert created.status_code == 201, created.text
    found = scicat.request("GET", "/api/search/basic", params={"query": name})
    [hit] = found.json()["results"]
    return str(created.json()["pid"]), str(hit["@id"])


def _block(pid: str, chk_alg: str | None, *files: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "datasetId": pid,
        "size": sum(f["size"] for f in files),
        "dataFileList": [{"time": "2026-01-01T00:00:00Z", **f} for f in files],
    }
    if chk_alg is not None:
        body["chkAlg"] = chk_alg
    return body


def _post(scicat: Scicat, body: Any) -> None:
    made = scicat.request("POST", "/api/v4/origdatablocks", json=body)
    assert made.status_code == 201, made.text


def _resolve(scicat: Scicat, ark: str, accept: str) -> Any:
    return scicat.request("GET", f"/{ark}", headers={"Accept": accept})


def test_every_representation_of_a_dataset_with_hostile_checksums_is_served_and_parses(
    scicat: Scicat,
) -> None:
    pid, ark = _dataset(scicat, f"/facility/{uuid.uuid4().hex[:8]}")
    _post(scicat, _block(pid, "blake2b 256", {"path": "a.nxs", "size": 1, "chk": "ab"}))
    _post(scicat, _block(pid, "sha<256>", {"path": "b.nxs", "size": 2, "chk": "cd"}))
    _post(scicat, _block(pid, "SHA-256", {"path": "c.nxs", "size": 3, "chk": "ef"}))
    many = [{"path": f"many/{i}", "size": 1} for i in range(1001)]
    _post(scicat, _block(pid, None, *many))
    graphs = {}
    for media_type, rdflib_format in FORMATS.items():
        got = _resolve(scicat, ark, media_type)
        assert got.status_code == 200, (media_type, got.text)
        assert got.headers["content-type"].startswith(media_type)
        graphs[media_type] = Graph().parse(data=got.text, format=rdflib_format)
    sizes = {media_type: len(graph) for media_type, graph in graphs.items()}
    assert len(set(sizes.values())) == 1, sizes
    graph = graphs["text/turtle"]
    subject = URIRef(ark)
    owner = URIRef("https://orcid.org/0000-0002-1825-0097")
    assert (subject, URIRef(SCHEMA + "creator"), owner) in graph
    document = _resolve(scicat, ark, "application/ld+json").json()
    parts = {p["name"]: p for p in document["hasPart"]}
    assert parts["c.nxs"]["sha256"] == "ef"
    assert parts["a.nxs"]["EVI:checksum"] == {
        "@type": "PropertyValue",
        "propertyID": "blake2b 256",
        "value": "ab",
    }
    # the facility's files: nothing to download here
    assert not any("contentUrl" in p for p in document["hasPart"])
    [rest] = [p for p in document["hasPart"] if p["@type"] == "Collection"]
    assert rest["url"].startswith(("http://", "https://"))
    listing = scicat.http.get(rest["url"], headers=scicat.auth("user1"))
    assert listing.status_code == 200, listing.text
    assert document["measurementTechnique"] == [
        {"@type": "DefinedTerm", "name": "SANS", "identifier": "PaNET01217 <not an IRI>"}
    ]


def test_a_character_xml_cannot_carry_is_a_406_for_rdf_xml_only(scicat: Scicat) -> None:
    _, ark = _dataset(scicat, f"/facility/{uuid.uuid4().hex[:8]}", description="bell \x07")
    refused = _resolve(scicat, ark, "application/rdf+xml")
    assert refused.status_code == 406, refused.text
    assert "U+0007" in refused.json()["message"]
    assert "text/turtle" in refused.json()["available"]
    for media_type in ("text/turtle", "application/n-triples", "application/ld+json"):
        got = _resolve(scicat, ark, media_type)
        assert got.status_code == 200, (media_type, got.text)


def test_a_held_file_has_a_content_url_that_downloads_it(scicat: Scicat) -> None:
    folder = f"/facility/{uuid.uuid4().hex[:8]}"
    data = b"held bytes\n" * 10
    staged = scicat.request(
        "PUT",
        "/api/v4/fairdepot/staged-files",
        params={"sourceFolder": folder, "path": "sub/held file.dat"},
        content=data,
    )
    assert staged.status_code == 201, staged.text
    pid, ark = _dataset(scicat, folder, accessGroups=["uu"])
    digest = hashlib.sha256(data).hexdigest()
    _post(
        scicat,
        _block(
            pid,
            "sha256",
            {"path": "sub/held file.dat", "size": len(data), "chk": digest},
        ),
    )
    # a block naming a file not staged is the facility's (every file of a block is one or
    # the other)
    _post(scicat, _block(pid, "sha256", {"path": "facility.dat", "size": 5}))
    document = _resolve(scicat, ark, "application/ld+json").json()
    parts = {p["name"]: p for p in document["hasPart"]}
    held = parts["sub/held file.dat"]
    assert held["contentUrl"].startswith(("http://", "https://"))
    assert (held["sha256"], held["md5"]) == (digest, hashlib.md5(data).hexdigest())
    assert "contentUrl" not in parts["facility.dat"]
    got = scicat.http.get(held["contentUrl"], headers=scicat.auth("user1"))
    assert got.status_code == 200, got.text
    assert got.content == data
    # nobody else reads it by the link either: the download keeps the dataset's access
    assert scicat.http.get(held["contentUrl"]).status_code == 404
    # a change of the dataset's access rebuilds hasPart (fewer readers: the blocks, which
    # took the dataset's groups, stay open to all of them): the link stays
    changed = scicat.request(
        "PATCH", f"/api/v4/datasets/{pid_path(pid)}", json={"accessGroups": []}
    )
    assert changed.status_code == 200, changed.text
    again = _resolve(scicat, ark, "application/ld+json").json()
    assert {p["name"]: p for p in again["hasPart"]}["sub/held file.dat"]["contentUrl"] == (
        held["contentUrl"]
    )
