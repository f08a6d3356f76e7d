"""scicat-sdk-py 5.3.3 drives the dataset facets and the v3 search form, and its models read
the answers: buckets' values and counts are checked, not only the status.

DatasetsV4Api's fullfacet sends one `filters` parameter (`{"fields", "facets"}` as JSON), as
the backend's OpenAPI document names it; the v3 DatasetsApi sends `fields` and `facets`. The
SDK's FullFacetResponse model declares only `all`, so the buckets are read from the raw
answer of the same call (`_without_preload_content`)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import scicat_sdk_py as sdk

from tests.support.scicat import Scicat
from tests.support.scicat_bodies import raw_dataset


def client(scicat: Scicat, user: str) -> sdk.ApiClient:
    return sdk.ApiClient(sdk.Configuration(host=scicat.base_url, access_token=scicat.token(user)))


def create(scicat: Scicat, tag: str, **fields: Any) -> str:
    body = raw_dataset(tag, **{"keywords": [tag], **fields})
    made = scicat.request("POST", "/api/v4/datasets", "user1", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["pid"])


def seeded(scicat: Scicat) -> tuple[str, dict[str, str]]:
    tag = f"facets-{uuid.uuid4().hex[:8]}"
    pids = {
        "a": create(scicat, tag, creationLocation="P01", keywords=[tag, "x"]),
        "b": create(scicat, tag, creationLocation="P01", keywords=[tag, "y"]),
        "c": create(
            scicat,
            tag,
            creationLocation="P02",
            keywords=[tag, "x"],
            type="derived",
            inputDatasets=["in"],
            usedSoftware=["s"],
        ),
    }
    return tag, pids


def buckets(answer: list[dict[str, Any]], name: str) -> dict[Any, int]:
    return {b["_id"]: b["count"] for b in answer[0][name]}


def test_the_sdk_s_fullfacet_counts_buckets_on_v4_and_v3(scicat: Scicat) -> None:
    tag, _ = seeded(scicat)
    facets = ["creationLocation", "keywords", "type"]
    with client(scicat, "user1") as api:
        v4 = sdk.DatasetsV4Api(api)
        filters = json.dumps({"fields": {"keywords": [tag]}, "facets": facets})
        typed = v4.datasets_v4_controller_fullfacet_v4(filters=filters)
        assert typed[0].all[0].total_sets == 3
        raw = v4.datasets_v4_controller_fullfacet_v4_without_preload_content(filters=filters)
        assert raw.status == 200
        v4_answer = json.loads(raw.data)

        v3 = sdk.DatasetsApi(api)
        fields = json.dumps({"keywords": [tag]})
        typed3 = v3.datasets_controller_fullfacet_v3(facets=json.dumps(facets), fields=fields)
        assert typed3[0].all[0].total_sets == 3
        raw3 = v3.datasets_controller_fullfacet_v3_without_preload_content(
            facets=json.dumps(facets), fields=fields
        )
        v3_answer = json.loads(raw3.data)
    for answer in (v4_answer, v3_answer):
        assert answer[0]["all"] == [{"totalSets": 3}]
        assert buckets(answer, "creationLocation") == {"P01": 2, "P02": 1}
        assert buckets(answer, "keywords") == {tag: 3, "x": 2, "y": 1}
        assert buckets(answer, "type") == {"raw": 2, "derived": 1}
        assert answer[0]["keywords"][0] == {"_id": tag, "count": 3}  # most first


def test_the_sdk_s_v3_fullquery_finds_with_the_search_form(scicat: Scicat) -> None:
    tag, pids = seeded(scicat)
    with client(scicat, "user1") as api:
        v3 = sdk.DatasetsApi(api)
        found = v3.datasets_controller_fullquery_v3(
            fields=json.dumps({"keywords": [tag], "creationLocation": ["P01"]}),
            limits=json.dumps({"limit": 10, "skip": 0, "order": "creationTime:asc"}),
        )
        first = v3.datasets_controller_fullquery_v3(
            fields=json.dumps({"keywords": [tag]}),
            limits=json.dumps({"limit": 1, "skip": 0, "order": "creationLocation:desc"}),
        )
    assert sorted(d.pid for d in found) == sorted([pids["a"], pids["b"]])
    assert {d.creation_location for d in found} == {"P01"}
    assert [d.pid for d in first] == [pids["c"]]


def test_a_facet_on_a_whole_object_field_is_400_in_scicat_s_shape(scicat: Scicat) -> None:
    """The backend groups such a facet by the entire object (one bucket per distinct
    scientificMetadata); refused here rather than answered with no buckets."""
    for name in ("scientificMetadata", "relationships", "techniques", "datasetlifecycle"):
        for version in ("v3", "v4"):
            answer = scicat.request(
                "GET",
                f"/api/{version}/datasets/fullfacet",
                "user1",
                params={"facets": json.dumps(["type", name])},
            )
            assert answer.status_code == 400, answer.text
            body = answer.json()
            assert set(body) >= {"message", "error", "statusCode"}
            assert body["statusCode"] == 400
            assert name in json.dumps(body)
    with client(scicat, "user1") as api:
        raw = sdk.DatasetsV4Api(api).datasets_v4_controller_fullfacet_v4_without_preload_content(
            filters=json.dumps({"facets": ["scientificMetadata"]})
        )
        assert raw.status == 400
    nested = scicat.request(
        "GET",
        "/api/v4/datasets/fullfacet",
        "user1",
        params={"facets": json.dumps(["scientificMetadata.energy.unit"])},
    )
    assert nested.status_code == 200, nested.text
