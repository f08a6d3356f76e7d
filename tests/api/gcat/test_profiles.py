"""`/gcat/profiles` over HTTP: XML in, XML or JSON out, Admins write, anyone reads, and
hostile bodies refused fast.

The profiles live in an organization of this module's own (`facility`): an organization with
profiles validates every item created in it, which the other gCat tests must not meet.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.core.profiles.conftest import example_bytes
from tests.core.profiles.test_hostile_xml import BILLION_LAUGHS, EXTERNAL_DTD, XXE_FILE
from tests.support.gcat import OTHERS, ROLES, GcatFacility
from tests.support.timing import NOT_A_HANG

XML = {"Content-Type": "application/xml"}


@pytest.fixture(scope="module")
def facility(gcat) -> Iterator[GcatFacility]:
    own = GcatFacility(gcat.base_url, gcat.runtime, gcat.env).seed()
    yield own
    own.http.close()


def profile_xml(profile_type: str, field: str = "F", *, extra: str = "") -> bytes:
    return (
        f'<metadataformat type="{profile_type}"><metadatafield>'
        f"<fieldName>{field}</fieldName><dataType>String</dataType>{extra}"
        "</metadatafield></metadataformat>"
    ).encode()


def put(facility: GcatFacility, name: str, body: bytes, label: str = "admin", **kw):
    headers = {**XML, **kw.pop("headers", {})}
    return facility.call("PUT", f"/profiles/{name}", label, content=body, headers=headers, **kw)


def test_create_update_read_list_and_delete(facility) -> None:
    body = example_bytes("ExampleDataset.xml")
    created = put(facility, "ExampleDataset", body)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{facility.url}/profiles/ExampleDataset"
    assert created.headers["content-type"].startswith("application/xml")
    assert created.content == body
    changed = body.replace(b"<fieldName>DOI</fieldName>", b"<fieldName>Doi</fieldName>")
    replaced = put(facility, "ExampleDataset", changed, "manager")
    assert (replaced.status_code, replaced.content) == (200, changed)
    read = facility.call("GET", "/profiles/ExampleDataset", "member")
    assert read.status_code == 200
    assert read.headers["content-type"].startswith("application/xml")
    assert read.content == changed
    as_json = facility.call(
        "GET", "/profiles/ExampleDataset", "member", headers={"Accept": "application/json"}
    )
    assert as_json.headers["content-type"].startswith("application/json")
    root = as_json.json()["metadataformat"]
    assert root["type"] == "ExampleDataset"
    assert [f["fieldName"] for f in root["metadatafield"]][:2] == ["Country", "Doi"]
    assert root["metadatafield"][0]["tagging"] == {
        "create": True,
        "separator": "-",
        "content": "onFieldName_onValue",
    }
    assert facility.call("GET", "/profiles", "member").json() == ["ExampleDataset"]
    assert facility.call("GET", "/profiles?count=true", "editor").json() == {"count": 1}
    assert facility.call("HEAD", "/profiles/ExampleDataset", "member").status_code == 204
    assert facility.call("DELETE", "/profiles/ExampleDataset", "admin").status_code == 204
    assert facility.call("GET", "/profiles/ExampleDataset", "member").status_code == 404
    assert facility.call("DELETE", "/profiles/ExampleDataset", "admin").status_code == 404
    assert facility.call("GET", "/profiles", "member").json() == []


def test_a_type_with_spaces_is_its_name_in_the_url(facility) -> None:
    name = "SoBigData.eu: Dataset Metadata"
    assert put(facility, name, profile_xml(name)).status_code == 201
    assert name in facility.call("GET", "/profiles", "member").json()
    assert facility.call("GET", f"/profiles/{name}", "member").content == profile_xml(name)
    assert facility.call("DELETE", f"/profiles/{name}", "admin").status_code == 204


def test_a_profile_in_another_encoding_is_served_back_as_sent(facility) -> None:
    body = profile_xml("Latin", "Année").decode()
    body = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + body).encode("iso-8859-1")
    assert put(facility, "Latin", body).content == body
    read = facility.call("GET", "/profiles/Latin", "member")
    assert read.content == body
    assert read.headers["content-type"] == "application/xml; charset=ISO-8859-1"
    as_json = facility.call(
        "GET", "/profiles/Latin", "member", headers={"Accept": "application/json"}
    )
    assert as_json.json()["metadataformat"]["metadatafield"]["fieldName"] == "Année"


@pytest.mark.parametrize("label", [*ROLES, *OTHERS, None])
def test_only_admins_and_above_write_profiles_everyone_reads(facility, label) -> None:
    name = f"Matrix-{label}"
    query = {"organization": facility.org}
    answer = put(facility, name, profile_xml(name), label, params=query)
    expected = 201 if label in ("admin", "manager", "sysadmin") else 401 if label is None else 403
    assert answer.status_code == expected, answer.text
    put(facility, name, profile_xml(name), "admin")
    read = facility.call("GET", f"/profiles/{name}", label, params=query)
    assert read.status_code == (401 if label is None else 200)
    listed = facility.call("GET", "/profiles", label, params=query)
    assert listed.status_code == (401 if label is None else 200)
    deleted = facility.call("DELETE", f"/profiles/{name}", label, params=query)
    assert deleted.status_code == (204 if expected == 201 else expected)


def test_the_caller_names_the_organization_when_it_is_not_theirs(facility) -> None:
    name = "Named"
    assert put(facility, name, profile_xml(name)).status_code == 201
    refused = facility.call("GET", "/profiles", "sysadmin")  # no role anywhere: which one?
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["location"] == "organization"
    named = facility.call("GET", "/profiles", "sysadmin", params={"organization": facility.org})
    assert name in named.json()
    unknown = facility.call("GET", "/profiles", "sysadmin", params={"organization": "nowhere"})
    assert unknown.status_code == 400


def test_a_name_other_than_the_type_is_400(facility) -> None:
    answer = put(facility, "Other", profile_xml("Mine"))
    assert answer.status_code == 400
    assert "'Mine'" in answer.json()["message"]
    assert facility.call("GET", "/profiles/Other", "member").status_code == 404


def test_a_profile_outside_the_schema_is_400_with_the_element_path(facility) -> None:
    bad = b'<metadataformat type="Bad"><metadatafield><fieldName>F</fieldName>'
    bad += b"<dataType>Colour</dataType></metadatafield></metadataformat>"
    answer = put(facility, "Bad", bad)
    assert answer.status_code == 400
    locations = [p["location"] for p in answer.json()["problems"]]
    assert "/metadataformat/metadatafield/dataType" in locations


@pytest.mark.parametrize(
    "body", [XXE_FILE, BILLION_LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"]
)
def test_hostile_xml_is_400_at_once(facility, body) -> None:
    started = time.monotonic()
    answer = put(facility, "T", body.encode())
    assert answer.status_code == 400
    assert "DOCTYPE" in answer.json()["message"]
    assert time.monotonic() - started < NOT_A_HANG
    assert facility.call("GET", "/profiles/T", "member").status_code == 404


def fifty_megabytes() -> Iterator[bytes]:
    chunk = b"<" * (1024 * 1024)
    for _ in range(50):
        yield chunk


def test_a_50_mb_body_is_413_declared_or_streamed(facility) -> None:
    declared = put(facility, "Big", b"<" * (50 * 1024 * 1024))
    assert declared.status_code == 413
    streamed = put(facility, "Big", fifty_megabytes())  # chunked: no Content-Length to trust
    assert streamed.status_code == 413
    assert "larger than" in streamed.json()["message"]
    assert facility.call("GET", "/profiles", "member").status_code == 200  # still serving


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_a_body_that_is_not_xml_is_415(facility, content_type) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = profile_xml("Typed")
    answer = facility.call("PUT", "/profiles/Typed", "admin", content=body, headers=headers)
    assert answer.status_code == 415, answer.text
    assert put(facility, "Typed", body, headers={"Content-Type": "text/xml"}).status_code in (
        200,
        201,
    )


def test_a_malformed_pattern_is_400_naming_the_field(facility) -> None:
    body = profile_xml(
        "Patterned",
        "Code",
        extra="<validator><regularExpression>[a-</regularExpression></validator>",
    )
    answer = put(facility, "Patterned", body)
    assert answer.status_code == 400
    assert "'Code'" in answer.json()["message"]
    location = answer.json()["problems"][0]["location"]
    assert location == "/metadataformat/metadatafield[1]/validator/regularExpression"


def test_a_catastrophic_pattern_is_stored_and_the_server_keeps_serving(facility) -> None:
    """It compiles (a time limit guards its matches, tests/services/gcat/test_item_profiles)."""
    pattern = "<validator><regularExpression>^(a|a)+$</regularExpression></validator>"
    assert put(facility, "Slow", profile_xml("Slow", extra=pattern)).status_code == 201
    assert facility.call("GET", "/profiles/Slow", "member").status_code == 200


def test_a_created_profiles_location_is_encoded_and_on_the_public_url(facility) -> None:
    """A type with spaces or non-Latin-1 characters made the 201 a 500 after storing the
    profile (the raw name in a header), and `Location` followed the request's `Host`."""
    name = "Ünï 🚀 type"
    created = put(facility, quote(name), profile_xml(name), headers={"Host": "evil.example"})
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{facility.url}/profiles/{quote(name)}"
    assert facility.call("GET", f"/profiles/{quote(name)}", "member").status_code == 200


def test_a_created_groups_location_is_on_the_public_url(facility) -> None:
    name = facility.name("hosted")
    body = {"name": name, "organization": facility.org}
    created = facility.call("POST", "/groups", "admin", json=body, headers={"Host": "evil.example"})
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{facility.url}/groups/{name}"
