"""The dataset extras scicat-sdk-py calls: `metadataKeys` (v3, v4, v4 `/public`, samples),
v3 `/{pid}/thumbnail` and v3 `/{pid}/appendToArrayField`, driven by the SDK and, for the
refusals, by raw HTTP; each read through the caller's read scope."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import scicat_sdk_py as sdk

from tests.support.scicat import Scicat, pid_path

PNG = "data:image/png;base64,iVBORw0KGgo="


def sdk_client(scicat: Scicat, user: str | None) -> sdk.ApiClient:
    token = scicat.token(user) if user else None
    return sdk.ApiClient(sdk.Configuration(host=scicat.base_url, access_token=token))


def dataset(scicat: Scicat, user: str, group: str, tag: str, **extra: Any) -> str:
    body = {
        "type": "raw",
        "datasetName": f"extras {tag}",
        "owner": "Ann",
        "ownerGroup": group,
        "contactEmail": "ann@example.org",
        "creationLocation": "Beamline P",
        "principalInvestigators": ["Pat"],
        "sourceFolder": f"/data/extras/{tag}",
        "creationTime": "2024-06-01T08:00:00Z",
        "keywords": [tag],
        **extra,
    }
    created = scicat.request("POST", "/api/v4/datasets", user, json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["pid"])


PRIVATE_METADATA = {
    "temperature": {"value": 300, "unit": "K"},
    "detector": {"distance": {"value": 2, "unit": "mm"}, "model": "X100"},
    "run_date": "2024-01-01",
    "tags": ["a", "b"],
    "nested": {"deep": {"leaf": 1}},
    "flag": None,
}
PRIVATE_KEYS = ["temperature", "detector.distance", "detector.model", "tags", "nested.deep.leaf"]


@pytest.fixture(scope="module")
def keyed(scicat: Scicat) -> str:
    """A tag, one unpublished dataset of group1 and one published of group2 carrying it."""
    tag = f"keys{uuid.uuid4().hex[:8]}"
    dataset(scicat, "user1", "group1", tag, scientificMetadata=PRIVATE_METADATA)
    dataset(
        scicat,
        "user2",
        "group2",
        tag,
        isPublished=True,
        scientificMetadata={"wavelength": 1.5, "sample": {"name": "Si", "u": ""}},
    )
    return tag


def test_metadata_keys_are_the_backends_flattened_keys_of_readable_datasets(
    scicat: Scicat, keyed: str
) -> None:
    """Quantities (`{value, unit}`, `{.., u}`) are one key, objects are entered, arrays and
    nulls are keys, `_date` keys are hidden; a caller sees the keys of what it may read."""
    fields = json.dumps({"keywords": [keyed]})
    with sdk_client(scicat, "user1") as api:
        v3 = sdk.DatasetsApi(api).datasets_controller_metadata_keys_v3(fields=fields)
        v4 = sdk.DatasetsV4Api(api).datasets_v4_controller_metadata_keys_v4(fields=fields)
    assert v3 == [*PRIVATE_KEYS, "flag", "wavelength", "sample"]
    assert v4 == v3
    with sdk_client(scicat, "user2") as api:
        theirs = sdk.DatasetsApi(api).datasets_controller_metadata_keys_v3(fields=fields)
    assert theirs == ["wavelength", "sample"]
    with sdk_client(scicat, None) as api:
        public = sdk.DatasetsPublicV4Api(api).datasets_public_v4_controller_public_metadata_keys_v4(
            fields=fields
        )
    assert public == ["wavelength", "sample"]
    anonymous = scicat.request(
        "GET", "/api/v3/datasets/metadataKeys", None, params={"fields": fields}
    )
    assert anonymous.status_code == 200
    assert anonymous.json() == ["wavelength", "sample"]


def test_metadata_keys_take_the_search_form_limits_and_a_key_filter(
    scicat: Scicat, keyed: str
) -> None:
    with sdk_client(scicat, "user1") as api:
        datasets = sdk.DatasetsApi(api)
        first = datasets.datasets_controller_metadata_keys_v3(
            fields=json.dumps({"keywords": [keyed]}), limits=json.dumps({"limit": 1})
        )
        second = datasets.datasets_controller_metadata_keys_v3(
            fields=json.dumps({"keywords": [keyed]}), limits=json.dumps({"limit": 1, "skip": 1})
        )
        det = datasets.datasets_controller_metadata_keys_v3(
            fields=json.dumps({"keywords": [keyed], "metadataKey": "DET"})
        )
        published = datasets.datasets_controller_metadata_keys_v3(
            fields=json.dumps({"keywords": [keyed], "isPublished": True})
        )
    assert first == [*PRIVATE_KEYS, "flag"]
    assert second == ["wavelength", "sample"]
    assert det == ["detector.distance", "detector.model"]
    assert published == ["wavelength", "sample"]


BAD_KEY_QUERIES = [
    {"fields": "{not json"},
    {"fields": "[1]"},
    {"fields": json.dumps({"metadataKey": 5})},
    {"limits": json.dumps({"limit": "x"})},
    {"limits": json.dumps({"limit": 5000})},
    {"limits": json.dumps({"order": "nosuchfield:sideways"})},
]
"""Bad for every metadataKeys route; a dataset route also refuses an unknown search-form
field (the samples route reads only `metadataKey` from `fields`, as the backend)."""


@pytest.mark.parametrize(
    ("path", "params"),
    [
        *[
            (path, params)
            for path in ("/api/v3/datasets/metadataKeys", "/api/v4/datasets/metadataKeys")
            for params in [*BAD_KEY_QUERIES, {"fields": json.dumps({"bogus": 1})}]
        ],
        *[("/api/v3/samples/metadataKeys", params) for params in BAD_KEY_QUERIES],
    ],
)
def test_bad_metadata_key_queries_are_400(
    scicat: Scicat, path: str, params: dict[str, str]
) -> None:
    answer = scicat.request("GET", path, "user1", params=params)
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) >= {"message", "error", "statusCode"}


def test_sample_metadata_keys_are_those_of_readable_samples(scicat: Scicat) -> None:
    tag = f"k{uuid.uuid4().hex[:8]}"
    body = {
        "ownerGroup": "group1",
        "sampleCharacteristics": {
            f"{tag}color": "red",
            f"{tag}mass": {"value": 1, "unit": "g"},
            f"{tag}made_date": "2024",
        },
    }
    created = scicat.request("POST", "/api/v3/samples", "user1", json=body)
    assert created.status_code == 201, created.text
    fields = json.dumps({"metadataKey": tag})
    limits = json.dumps({"limit": 1000})
    with sdk_client(scicat, "user1") as api:
        keys = sdk.SamplesApi(api).samples_controller_metadata_keys_v3(fields=fields, limits=limits)
    assert keys == [f"{tag}color", f"{tag}mass"]
    with sdk_client(scicat, "user2") as api:
        assert sdk.SamplesApi(api).samples_controller_metadata_keys_v3(fields=fields) == []
    anonymous = scicat.request(
        "GET", "/api/v3/samples/metadataKeys", None, params={"fields": fields}
    )
    assert anonymous.status_code == 200
    assert anonymous.json() == []


# -- thumbnail --------------------------------------------------------------------------------


def test_the_thumbnail_is_the_first_attachments_or_empty(scicat: Scicat) -> None:
    tag = f"th{uuid.uuid4().hex[:8]}"
    pid = dataset(scicat, "user1", "group1", tag)
    with sdk_client(scicat, "user1") as api:
        # the SDK's Attachment model needs every field; the backend answers {thumbnail} only
        raw = sdk.DatasetsApi(api).datasets_controller_thumbnail_v3_without_preload_content(pid)
        assert raw.status == 200
        assert json.loads(raw.data) == {}
    for caption, thumbnail in (("first", PNG), ("second", "data:image/png;base64,AAAA")):
        made = scicat.request(
            "POST",
            f"/api/v3/datasets/{pid_path(pid)}/attachments",
            "user1",
            json={"caption": caption, "ownerGroup": "group1", "thumbnail": thumbnail},
        )
        assert made.status_code == 201, made.text
    with sdk_client(scicat, "user1") as api:
        raw = sdk.DatasetsApi(api).datasets_controller_thumbnail_v3_without_preload_content(pid)
        assert raw.status == 200
        assert json.loads(raw.data) == {"thumbnail": PNG}


def test_a_thumbnail_is_read_with_the_datasets_access(scicat: Scicat) -> None:
    tag = f"th{uuid.uuid4().hex[:8]}"
    pid = dataset(scicat, "user1", "group1", tag)
    path = f"/api/v3/datasets/{pid_path(pid)}/thumbnail"
    assert scicat.request("GET", path, "user2").status_code == 403
    assert scicat.request("GET", path, None).status_code == 403
    missing = scicat.request("GET", "/api/v3/datasets/no-such-pid/thumbnail", "user1")
    assert missing.status_code == 404
    assert missing.json()["statusCode"] == 404
    published = dataset(scicat, "user1", "group1", tag, isPublished=True)
    answer = scicat.request("GET", f"/api/v3/datasets/{pid_path(published)}/thumbnail", None)
    assert answer.status_code == 200
    assert answer.json() == {}


# -- appendToArrayField -----------------------------------------------------------------------


def append_path(pid: str) -> str:
    return f"/api/v3/datasets/{pid_path(pid)}/appendToArrayField"


def test_the_sdk_appends_values_once_each(scicat: Scicat) -> None:
    tag = f"ap{uuid.uuid4().hex[:8]}"
    pid = dataset(scicat, "user1", "group1", tag)
    with sdk_client(scicat, "user1") as api:
        answer = sdk.DatasetsApi(api).datasets_controller_append_to_array_field_v3_with_http_info(
            pid, field_name="keywords", data=["extra", tag, "extra"]
        )
    assert answer.status_code == 201
    stored = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}").json()
    assert stored["keywords"] == [tag, "extra"]
    assert stored["updatedBy"] == "user1"
    again = scicat.request(
        "POST",
        append_path(pid),
        "user1",
        params={"fieldName": "sharedWith", "data": json.dumps(["a@example.org"])},
    )
    assert again.status_code == 201, again.text
    assert again.json()["sharedWith"] == ["a@example.org"]
    assert again.json()["keywords"] == [tag, "extra"]
    assert again.json()["principalInvestigator"] == "Pat"  # the v3 shape


@pytest.mark.parametrize(
    "params",
    [
        {"fieldName": "datasetName", "data": '["x"]'},
        {"fieldName": "bogus", "data": '["x"]'},
        {"data": '["x"]'},
        {"fieldName": "keywords", "data": "[1, 2]"},
        {"fieldName": "techniques", "data": '["not an object"]'},
        {"fieldName": "sharedWith", "data": '["not an address"]'},
    ],
)
def test_a_bad_append_is_400_and_changes_nothing(scicat: Scicat, params: dict[str, str]) -> None:
    tag = f"ap{uuid.uuid4().hex[:8]}"
    pid = dataset(scicat, "user1", "group1", tag)
    before = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}").json()
    answer = scicat.request("POST", append_path(pid), "user1", params=params)
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) >= {"message", "error", "statusCode"}
    assert scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}").json() == before


def test_an_append_needs_the_permission_of_a_patch(scicat: Scicat) -> None:
    tag = f"ap{uuid.uuid4().hex[:8]}"
    pid = dataset(scicat, "user1", "group1", tag, isPublished=True)
    params = {"fieldName": "keywords", "data": '["x"]'}
    assert scicat.request("POST", append_path(pid), "user2", params=params).status_code == 403
    assert scicat.request("POST", append_path(pid), None, params=params).status_code == 403
    unknown = scicat.request("POST", append_path("no-such-pid"), "user1", params=params)
    assert unknown.status_code == 404
    stored = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}").json()
    assert stored["keywords"] == [tag]
    admin = scicat.request("POST", append_path(pid), "admin", params=params)
    assert admin.status_code == 201
    assert admin.json()["keywords"] == [tag, "x"]
