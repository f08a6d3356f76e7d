"""Bad input on the SciCat routes: every case is a 4xx in SciCat's error shape (`message`,
`error`, `statusCode`, and `errors[].location` where the problem is in the body or filter),
never a 500, and nothing is written (what an administrator counts of every kind is the same
before and after).

One table, one row per case with a stable id; `{pid}` in a path is an existing dataset's pid
as one segment (`%2F`), `{raw_pid}` the pid itself (in bodies and filters).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.scicat import Scicat, pid_path

BODY_LIMIT = 32 * 1024**2  # FAIRDEPOT_JSON_MAX_BODY_BYTES' default
JSON = {"content-type": "application/json"}
A_FILE = {"path": "a.dat", "size": 1, "time": "2024-01-01T00:00:00Z"}
A_DATASET = {
    "type": "raw",
    "ownerGroup": "group1",
    "owner": "Ann Owner",
    "contactEmail": "ann@example.org",
    "sourceFolder": "/data/bad-lifecycle",
    "creationTime": "2024-05-01T10:00:00Z",
    "principalInvestigator": "Pat Investigator",
    "creationLocation": "Beamline X",
    "datasetName": "bad lifecycle",
}
"""A create body valid on v3 (and on v4 without its v3 singular field), but for what a row adds."""
BAD_LIFE = {"archivable": "yes", "bogus": 1}


def with_life(lifecycle: Any, *, v4: bool = True) -> dict[str, Any]:
    body = {**A_DATASET, "datasetlifecycle": lifecycle}
    if v4:
        body["principalInvestigators"] = [body.pop("principalInvestigator")]
    return {"json": body}


LIFECYCLE = "/api/v4/datasets/{pid}/datasetlifecycle"


def deep_where(levels: int) -> str:
    where: dict[str, Any] = {"pid": "x"}
    for _ in range(levels):
        where = {"and": [where]}
    return json.dumps({"where": where})


def too_big() -> bytes:
    return b'{"description": "' + b"x" * BODY_LIMIT + b'"}'


def chunked(data: bytes) -> Iterator[bytes]:
    """A body without Content-Length (httpx sends an iterator chunked)."""
    for start in range(0, len(data), 1 << 20):
        yield data[start : start + (1 << 20)]


def filter_of(value: Any) -> dict[str, Any]:
    return {"params": {"filter": value if isinstance(value, str) else json.dumps(value)}}


def raw(body: bytes) -> dict[str, Any]:
    return {"content": body, "headers": JSON}


LONE = "\ud800"
"""An unpaired surrogate: JSON may escape it (`"\\ud800"`), UTF-8 cannot encode it."""
V4_DATASET = with_life({})["json"]


def escaped(body: Any) -> dict[str, Any]:
    """A body as JSON text with its lone surrogates escaped (httpx's `json=` cannot send one)."""
    return raw(json.dumps(body).encode())


def params(**values: Any) -> dict[str, Any]:
    """JSON-valued query parameters, lone surrogates escaped as JSON writes them."""
    return {"params": {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}}


def as_admin(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A row sent by the administrator (who may choose a new dataset's pid)."""
    return {**kwargs, "as_user": "admin"}


A_BLOCK = {"size": 1, "dataFileList": [A_FILE]}
A_THUMBNAIL = "data:image/png;base64,iVBORw0KGgo="
SURROGATE_CASES: list[tuple[str, str, str, Any, int]] = [
    ("login", "POST", "/api/v3/auth/login", escaped({"username": LONE, "password": "x"}), 400),
    ("v4-create", "POST", "/api/v4/datasets", escaped({**V4_DATASET, "datasetName": LONE}), 400),
    ("v4-create-key", "POST", "/api/v4/datasets", escaped({**V4_DATASET, LONE: 1}), 400),
    (
        "v3-create",
        "POST",
        "/api/v3/datasets",
        escaped({**A_DATASET, "scientificMetadata": {"a": [{"b": LONE}]}}),
        400,
    ),
    ("isvalid", "POST", "/api/v4/datasets/isValid", escaped({"owner": LONE}), 400),
    (
        "patch-metadata-key",
        "PATCH",
        "/api/v4/datasets/{pid}",
        escaped({"scientificMetadata": {LONE: 1}}),
        400,
    ),
    ("put-v3", "PUT", "/api/v3/datasets/{pid}", escaped({**A_DATASET, "owner": LONE}), 400),
    ("lifecycle", "PATCH", LIFECYCLE, escaped({"archiveStatusMessage": LONE}), 400),
    ("filter-where", "GET", "/api/v4/datasets", filter_of({"where": {"datasetName": LONE}}), 400),
    ("filter-where-key", "GET", "/api/v3/datasets", filter_of({"where": {LONE: "x"}}), 400),
    ("filter-order", "GET", "/api/v3/datasets", filter_of({"order": LONE}), 400),
    ("filter-fields", "GET", "/api/v4/datasets", filter_of({"fields": [LONE]}), 400),
    (
        "filter-include",
        "GET",
        "/api/v4/datasets",
        filter_of({"include": [{"relation": "samples"}], LONE: 1}),
        400,
    ),
    ("findone", "GET", "/api/v4/datasets/findOne", filter_of({"where": {"pid": LONE}}), 400),
    ("count", "GET", "/api/v3/datasets/count", filter_of({"where": {"owner": LONE}}), 400),
    ("public", "GET", "/api/v4/datasets/public", filter_of({"where": {"pid": LONE}}), 400),
    (
        "header-filter",
        "GET",
        "/api/v3/datasets",
        {"headers": {"filter": json.dumps({LONE: 1})}},
        400,
    ),
    (
        "fullquery-mode",
        "GET",
        "/api/v3/datasets/fullquery",
        params(fields={"mode": {LONE: 1}}),
        400,
    ),
    ("fullquery-text", "GET", "/api/v4/datasets/fullquery", params(fields={"text": LONE}), 400),
    ("fullquery-limits", "GET", "/api/v3/datasets/fullquery", params(limits={"order": LONE}), 400),
    ("fullfacet", "GET", "/api/v3/datasets/fullfacet", params(fields="{}", facets=[LONE]), 400),
    (
        "metadatakeys",
        "GET",
        "/api/v4/datasets/metadataKeys",
        params(fields={"metadataKey": LONE}),
        400,
    ),
    ("v4-block", "POST", "/api/v4/origdatablocks", escaped({**A_BLOCK, "datasetId": LONE}), 400),
    (
        "v3-block-file",
        "POST",
        "/api/v3/datasets/{pid}/origdatablocks",
        escaped({"size": 1, "dataFileList": [{**A_FILE, "path": LONE}]}),
        400,
    ),
    ("blocks-filter", "GET", "/api/v4/origdatablocks", filter_of({"where": {LONE: 1}}), 400),
    (
        "blocks-fullquery",
        "GET",
        "/api/v3/origdatablocks/fullquery",
        params(fields={"text": LONE}),
        400,
    ),
    ("blocks-fullfacet", "GET", "/api/v3/origdatablocks/fullfacet", params(facets=[LONE]), 400),
    (
        "v4-attachment",
        "POST",
        "/api/v4/attachments",
        escaped({"ownerGroup": "group1", "thumbnail": A_THUMBNAIL, "caption": "c", LONE: 1}),
        400,
    ),
    (
        "v3-attachment",
        "POST",
        "/api/v3/datasets/{pid}/attachments",
        escaped({"thumbnail": A_THUMBNAIL, "caption": LONE}),
        400,
    ),
    (
        "attachments-filter",
        "GET",
        "/api/v4/attachments",
        filter_of({"where": {"caption": LONE}}),
        400,
    ),
    (
        "sample",
        "POST",
        "/api/v3/samples",
        escaped({"ownerGroup": "group1", "description": LONE}),
        400,
    ),
    ("samples-filter", "GET", "/api/v3/samples", filter_of({"where": {"description": LONE}}), 400),
    (
        "samples-metadatakeys",
        "GET",
        "/api/v3/samples/metadatakeys",
        params(fields={"metadataKey": LONE}),
        400,
    ),
    (
        "proposal",
        "POST",
        "/api/v3/proposals",
        escaped({"proposalId": "p", LONE: 1}),
        400,
    ),
    ("proposals-filter", "GET", "/api/v3/proposals", filter_of({"where": {"title": LONE}}), 400),
    ("instrument", "POST", "/api/v3/instruments", escaped({"uniqueName": "u", LONE: "x"}), 400),
    ("instruments-filter", "GET", "/api/v3/instruments", filter_of({"where": {"name": LONE}}), 400),
    ("publisheddata", "POST", "/api/v3/publisheddata", escaped({"title": "t", LONE: 1}), 400),
    (
        "publisheddata-filter",
        "GET",
        "/api/v3/publisheddata",
        filter_of({"where": {"title": LONE}}),
        400,
    ),
    (
        "publisheddata-v4",
        "POST",
        "/api/v4/publisheddata",
        escaped({"title": "t", LONE: 1}),
        400,
    ),
    (
        "publisheddata-v4-limits",
        "GET",
        "/api/v4/publisheddata",
        params(filter={}, limits={"order": LONE}),
        400,
    ),
]
"""An unpaired surrogate (escaped in JSON) in a body or JSON query parameter of each route
family, in a value or a key, at any depth: a 400 naming its place (it was a 500, or a reset
connection, once the database driver or the error's own rendering met it)."""

PID_AND_SIZE_CASES: list[tuple[str, str, str, Any, int]] = [
    *(
        (f"pid-{name}-{path[5:7]}", "POST", path, as_admin({"json": {**body, "pid": pid}}), 400)
        for path, body in (("/api/v4/datasets", V4_DATASET), ("/api/v3/datasets", A_DATASET))
        for name, pid in (
            ("newline", "PID.prefix.a0b1/a\nb"),
            ("tab", "a\tb"),
            ("long", "p" * 5000),
            ("ark", "ark:99999/fd-anything"),
            ("ark-case", "ARK:/99999/x"),
        )
    ),
    ("size-huge-float", "POST", "/api/v4/datasets", {"json": {**V4_DATASET, "size": 1e30}}, 400),
    ("size-huge-int", "POST", "/api/v4/datasets", {"json": {**V4_DATASET, "size": 2**63}}, 400),
    ("size-huge-patch", "PATCH", "/api/v4/datasets/{pid}", {"json": {"packedSize": 1e19}}, 400),
    (
        "size-huge-block",
        "POST",
        "/api/v3/datasets/{pid}/origdatablocks",
        {"json": {**A_BLOCK, "size": 10**30}},
        400,
    ),
    (
        "size-huge-file",
        "POST",
        "/api/v4/origdatablocks",
        {
            "json": {
                **A_BLOCK,
                "datasetId": "{raw_pid}",
                "dataFileList": [{**A_FILE, "size": 2**64}],
            }
        },
        400,
    ),
]
"""A client's own pid must be one short line that is no ARK; sizes fit a 64-bit column."""


# (id, method, path, request kwargs, expected status)
CASES: list[tuple[str, str, str, Any, int]] = [
    # malformed JSON bodies
    ("json-v4-dataset", "POST", "/api/v4/datasets", raw(b'{"ownerGroup": '), 400),
    ("json-v3-dataset", "POST", "/api/v3/datasets", raw(b"{'single': 1}"), 400),
    ("json-isvalid", "POST", "/api/v4/datasets/isValid", raw(b"{"), 400),
    ("json-patch", "PATCH", "/api/v4/datasets/{pid}", raw(b'{"description": }'), 400),
    ("json-put", "PUT", "/api/v3/datasets/{pid}", raw(b"[1,"), 400),
    ("json-lifecycle", "PATCH", "/api/v4/datasets/{pid}/datasetlifecycle", raw(b"{"), 400),
    ("json-v4-origdatablock", "POST", "/api/v4/origdatablocks", raw(b'{"x": '), 400),
    ("json-v3-origdatablock", "POST", "/api/v3/datasets/{pid}/origdatablocks", raw(b"{"), 400),
    ("json-v4-attachment", "POST", "/api/v4/attachments", raw(b'{"x": '), 400),
    ("json-v3-attachment", "POST", "/api/v3/datasets/{pid}/attachments", raw(b"{"), 400),
    ("json-sample", "POST", "/api/v3/samples", raw(b'{"x": '), 400),
    ("json-proposal", "POST", "/api/v3/proposals", raw(b"{"), 400),
    ("json-instrument", "POST", "/api/v3/instruments", raw(b"{"), 400),
    ("json-publisheddata", "POST", "/api/v3/publisheddata", raw(b"["), 400),
    ("json-login", "POST", "/api/v3/auth/login", raw(b'{"username": '), 400),
    ("json-nan", "POST", "/api/v4/datasets", raw(b'{"size": NaN}'), 400),
    ("json-huge-number", "POST", "/api/v4/datasets", raw(b'{"size": 1' + b"0" * 500 + b"}"), 400),
    ("json-deep-body", "POST", "/api/v4/datasets", raw(b"[" * 400 + b"]" * 400), 400),
    ("json-array-body", "POST", "/api/v4/datasets", {"json": [1, 2]}, 400),
    ("json-null-body", "POST", "/api/v4/origdatablocks", {"json": None}, 400),
    # a bad datasetlifecycle, wherever it is written
    ("life-route-unknown-and-type", "PATCH", LIFECYCLE, {"json": BAD_LIFE}, 400),
    ("life-route-unknown", "PATCH", LIFECYCLE, {"json": {"bogus": 1}}, 400),
    ("life-route-bool", "PATCH", LIFECYCLE, {"json": {"retrievable": "no"}}, 400),
    ("life-route-date", "PATCH", LIFECYCLE, {"json": {"dateOfDiskPurging": "soon"}}, 400),
    ("life-route-date-type", "PATCH", LIFECYCLE, {"json": {"publishedOn": 1}}, 400),
    ("life-route-text", "PATCH", LIFECYCLE, {"json": {"archiveStatusMessage": []}}, 400),
    ("life-route-message", "PATCH", LIFECYCLE, {"json": {"archiveReturnMessage": "x"}}, 400),
    ("life-route-array", "PATCH", LIFECYCLE, {"json": [{"archivable": True}]}, 400),
    ("life-route-v3", "PATCH", "/api/v3/datasets/{pid}/datasetlifecycle", {"json": BAD_LIFE}, 400),
    ("life-create-v4", "POST", "/api/v4/datasets", with_life(BAD_LIFE), 400),
    ("life-create-v4-date", "POST", "/api/v4/datasets", with_life({"publishedOn": "x"}), 400),
    ("life-create-v4-array", "POST", "/api/v4/datasets", with_life([]), 400),
    ("life-create-v3", "POST", "/api/v3/datasets", with_life(BAD_LIFE, v4=False), 400),
    (
        "life-patch-v4",
        "PATCH",
        "/api/v4/datasets/{pid}",
        {"json": {"datasetlifecycle": BAD_LIFE}},
        400,
    ),
    (
        "life-patch-v3",
        "PATCH",
        "/api/v3/datasets/{pid}",
        {"json": {"datasetlifecycle": {"archivable": 0}}},
        400,
    ),
    ("life-put-v4", "PUT", "/api/v4/datasets/{pid}", with_life(BAD_LIFE), 400),
    ("life-put-v3", "PUT", "/api/v3/datasets/{pid}", with_life({"bogus": 1}, v4=False), 400),
    # bad filters
    ("filter-not-json", "GET", "/api/v3/datasets", filter_of("{nope"), 400),
    ("filter-array", "GET", "/api/v4/datasets", filter_of([1]), 400),
    ("filter-unknown-key", "GET", "/api/v4/datasets", filter_of({"wher": {}}), 400),
    (
        "filter-unknown-operator",
        "GET",
        "/api/v4/datasets",
        filter_of({"where": {"pid": {"$where": "1"}}}),
        400,
    ),
    (
        "filter-invalid-regex",
        "GET",
        "/api/v3/datasets",
        filter_of({"where": {"datasetName": {"regexp": "("}}}),
        400,
    ),
    ("filter-limit-text", "GET", "/api/v3/datasets", filter_of({"limit": "ten"}), 400),
    ("filter-limit-negative", "GET", "/api/v4/datasets", filter_of({"limits": {"limit": -1}}), 400),
    ("filter-limit-absurd", "GET", "/api/v3/datasets", filter_of({"limit": 10**12}), 400),
    (
        "filter-limit-absurd-v4",
        "GET",
        "/api/v4/datasets",
        filter_of({"limits": {"limit": 10**30}}),
        400,
    ),
    ("filter-skip-float", "GET", "/api/v3/datasets", filter_of({"skip": 1.5}), 400),
    ("filter-order-unknown", "GET", "/api/v3/datasets", filter_of({"order": "size SIDEWAYS"}), 400),
    (
        "filter-sort-list",
        "GET",
        "/api/v4/datasets",
        filter_of({"limits": {"sort": {"size": [1]}}}),
        400,
    ),
    (
        "filter-sort-list-blocks",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"limits": {"sort": {"size": {}}}}),
        400,
    ),
    # the router's own answers under /api/v3 and /api/v4: SciCat's shape too
    ("route-unknown-v3", "GET", "/api/v3/datasets/{pid}/nothing-here", {}, 404),
    ("route-unknown-v4", "GET", "/api/v4/nothing-here", {}, 404),
    ("method-not-allowed-v3", "DELETE", "/api/v3/datasets", {}, 405),
    ("method-not-allowed-v4", "PUT", "/api/v4/datasets", {}, 405),
    # a skip no database holds (64-bit integers): 400 on every listing, not an overflow's 500
    *(
        (f"skip-huge-{name}", "GET", path, {"params": {key: json.dumps(value)}}, 400)
        for name, path, key, value in (
            ("v4-datasets", "/api/v4/datasets", "filter", {"skip": 10**20}),
            ("v3-limits", "/api/v3/datasets", "filter", {"limits": {"skip": 10**20}}),
            ("findone", "/api/v4/datasets/findOne", "filter", {"skip": 10**20}),
            ("public", "/api/v4/datasets/public", "filter", {"skip": 10**20}),
            ("fullquery", "/api/v3/datasets/fullquery", "limits", {"skip": 10**20}),
            ("origdatablocks", "/api/v4/origdatablocks", "filter", {"skip": 10**20}),
            ("attachments", "/api/v4/attachments", "filter", {"skip": 10**20}),
            ("samples", "/api/v3/samples", "filter", {"skip": 10**20}),
            ("proposals", "/api/v3/proposals", "filter", {"limits": {"skip": 10**20}}),
        )
    ),
    ("filter-nested-and", "GET", "/api/v3/datasets", filter_of(deep_where(50)), 400),
    ("filter-nested-past-json-limit", "GET", "/api/v3/datasets", filter_of(deep_where(300)), 400),
    (
        "filter-inq-not-list",
        "GET",
        "/api/v4/datasets",
        filter_of({"where": {"pid": {"inq": "x"}}}),
        400,
    ),
    (
        "filter-include-unknown",
        "GET",
        "/api/v4/datasets",
        filter_of({"include": [{"relation": "nope"}]}),
        400,
    ),
    ("filter-v3-header", "GET", "/api/v3/datasets", {"headers": {"filter": "{"}}, 400),
    ("filter-findone", "GET", "/api/v4/datasets/findOne", filter_of({"limit": "x"}), 400),
    ("filter-count", "GET", "/api/v3/datasets/count", filter_of("[["), 400),
    ("filter-public", "GET", "/api/v4/datasets/public", filter_of({"where": 1}), 400),
    ("fullquery-fields", "GET", "/api/v3/datasets/fullquery", {"params": {"fields": "{x"}}, 400),
    (
        "fullquery-limits",
        "GET",
        "/api/v4/datasets/fullquery",
        {"params": {"fields": "{}", "limits": json.dumps({"limit": -5})}},
        400,
    ),
    (
        "fullfacet-operator",
        "GET",
        "/api/v3/datasets/fullfacet",
        {"params": {"fields": json.dumps({"mode": {"$x": 1}})}},
        400,
    ),
    (
        "fullfacet-facets",
        "GET",
        "/api/v3/datasets/fullfacet",
        {"params": {"fields": "{}", "facets": "{"}},
        400,
    ),
    (
        "filter-origdatablocks",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"where": {"size": {"regexp": "("}}}),
        400,
    ),
    (
        "filter-origdatablocks-limit",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"limit": 10**9}),
        400,
    ),
    ("filter-attachments", "GET", "/api/v4/attachments", filter_of([1]), 400),
    (
        "filter-origdatablocks-operator",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"where": {"size": {"$where": "1"}}}),
        400,
    ),
    (
        "filter-origdatablocks-type",
        "GET",
        "/api/v3/origdatablocks",
        filter_of({"where": {"createdAt": {"gt": "yesterday"}}}),
        400,
    ),
    (
        "filter-origdatablocks-field",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"where": {"dataFileList.colour": "red"}}),
        400,
    ),
    (
        "filter-origdatablocks-order",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"limits": {"sort": {"size": "up"}}}),
        400,
    ),
    (
        "filter-origdatablocks-fields",
        "GET",
        "/api/v4/origdatablocks",
        filter_of({"fields": ["scientificMetadata"]}),
        400,
    ),
    (
        "filter-attachments-regexp",
        "GET",
        "/api/v4/attachments",
        filter_of({"where": {"caption": {"regexp": "(a+)+"}}}),
        400,
    ),
    (
        "filter-attachments-between",
        "GET",
        "/api/v4/attachments",
        filter_of({"where": {"caption": {"between": ["a"]}}}),
        400,
    ),
    (
        "blocks-fullquery-fields",
        "GET",
        "/api/v3/origdatablocks/fullquery",
        {"params": {"fields": '{"size": {"from": 1}}'}},
        400,
    ),
    (
        "blocks-fullquery-limits",
        "GET",
        "/api/v3/origdatablocks/fullquery/files",
        {"params": {"limits": '{"limit": 5000}'}},
        400,
    ),
    (
        "blocks-fullquery-mode",
        "GET",
        "/api/v3/origdatablocks/fullquery",
        {"params": {"fields": '{"mode": {"size": {"$where": 1}}}'}},
        400,
    ),
    (
        "blocks-fullfacet-facets",
        "GET",
        "/api/v3/origdatablocks/fullfacet",
        {"params": {"facets": '["colour"]'}},
        400,
    ),
    (
        "blocks-fullfacet-files-json",
        "GET",
        "/api/v4/origdatablocks/fullfacet/files",
        {"params": {"fields": "{"}},
        400,
    ),
    (
        "blocks-files-filter",
        "GET",
        "/api/v4/origdatablocks/files",
        filter_of({"where": {"dataFileList.path": {"regexp": "(x+)+"}}}),
        400,
    ),
    (
        "blocks-files-count-filter",
        "GET",
        "/api/v4/origdatablocks/files/count",
        filter_of({"where": {"updatedAt": {"gt": "big"}}}),
        400,
    ),
    (
        "blocks-public-filter",
        "GET",
        "/api/v4/origdatablocks/public",
        filter_of({"wher": {}}),
        400,
    ),
    (
        "blocks-public-files",
        "GET",
        "/api/v4/origdatablocks/public/files",
        filter_of({"limit": -1}),
        400,
    ),
    (
        "blocks-public-files-count",
        "GET",
        "/api/v4/origdatablocks/public/files/count",
        filter_of([]),
        400,
    ),
    (
        "blocks-public-fullfacet",
        "GET",
        "/api/v4/origdatablocks/public/fullfacet",
        {"params": {"facets": '{"a": 1}'}},
        400,
    ),
    (
        "blocks-public-fullfacet-files",
        "GET",
        "/api/v4/origdatablocks/public/fullfacet/files",
        {"params": {"fields": '{"createdAt": {"min": 1}}'}},
        400,
    ),
    (
        "blocks-fullfacet-sdk-filters",
        "GET",
        "/api/v4/origdatablocks/fullfacet",
        {"params": {"filters": "[1]"}},
        400,
    ),
    ("blocks-public-id-nul", "GET", "/api/v4/origdatablocks/public/a%00b", {}, 400),
    ("filter-samples", "GET", "/api/v3/samples", filter_of({"where": {"a": {"like": "("}}}), 400),
    ("filter-proposals", "GET", "/api/v3/proposals", filter_of({"limit": "all"}), 400),
    ("filter-instruments-findone", "GET", "/api/v3/instruments/findOne", filter_of("{"), 400),
    ("filter-publisheddata", "GET", "/api/v3/publisheddata", filter_of("{"), 400),
    # oversized bodies, by Content-Length and streamed without one
    ("big-dataset", "POST", "/api/v4/datasets", "big", 413),
    ("big-dataset-chunked", "POST", "/api/v4/datasets", "big-chunked", 413),
    ("big-origdatablock", "POST", "/api/v4/origdatablocks", "big", 413),
    ("big-attachment-chunked", "POST", "/api/v3/datasets/{pid}/attachments", "big-chunked", 413),
    ("big-patch", "PATCH", "/api/v4/datasets/{pid}", "big", 413),
    ("big-sample-chunked", "POST", "/api/v3/samples", "big-chunked", 413),
    # pids that name nothing
    ("pid-double-encoded", "GET", "/api/v3/datasets/{double_pid}", {}, 404),
    ("pid-double-encoded-v4", "GET", "/api/v4/datasets/{double_pid}", {}, 404),
    # NUL: PostgreSQL text cannot hold it (this was a 500 on scale-out): 400 before any query
    ("pid-nul", "GET", "/api/v3/datasets/abc%00def", {}, 400),
    ("pid-nul-blocks", "GET", "/api/v3/datasets/abc%00def/origdatablocks", {}, 400),
    ("pid-nul-patch", "PATCH", "/api/v4/datasets/abc%00def", {"json": {"description": "x"}}, 400),
    ("pid-overlong", "GET", "/api/v3/datasets/" + "a" * 20000, {}, 404),
    ("pid-overlong-blocks", "GET", "/api/v3/datasets/" + "b" * 20000 + "/origdatablocks", {}, 404),
    ("pid-bad-utf8", "GET", "/api/v4/datasets/%ff%fe", {}, 404),
    ("pid-unknown-delete", "DELETE", "/api/v4/datasets/PID.prefix.a0b1%2Fnope", {}, 404),
    (
        "pid-unknown-lifecycle",
        "PATCH",
        "/api/v4/datasets/nope/datasetlifecycle",
        {"json": {"archivable": False}},
        404,
    ),
    # datablocks and attachments of unknown datasets
    (
        "blocks-unknown-v3",
        "POST",
        "/api/v3/datasets/PID.prefix.a0b1%2Fnope/origdatablocks",
        {"json": {"size": 1, "dataFileList": [A_FILE]}},
        404,
    ),
    (
        "blocks-unknown-v4",
        "POST",
        "/api/v4/origdatablocks",
        {"json": {"datasetId": "nope", "size": 1, "dataFileList": [A_FILE]}},
        404,
    ),
    ("blocks-unknown-v3-list", "GET", "/api/v3/datasets/nope/origdatablocks", {}, 404),
    (
        "blocks-file-list-not-list",
        "POST",
        "/api/v4/origdatablocks",
        {"json": {"datasetId": "{raw_pid}", "size": 1, "dataFileList": {"a": 1}}},
        400,
    ),
    (
        "blocks-negative-size",
        "POST",
        "/api/v3/datasets/{pid}/origdatablocks",
        {"json": {"size": -1, "dataFileList": [A_FILE]}},
        400,
    ),
    (
        "attachment-unknown-v3",
        "POST",
        "/api/v3/datasets/nope/attachments",
        {"json": {"thumbnail": "data:image/png;base64,iVBORw0KGgo=", "caption": "x"}},
        404,
    ),
    (
        "attachment-unknown-v4",
        "POST",
        "/api/v4/attachments",
        {
            "json": {
                "ownerGroup": "group1",
                "thumbnail": "data:image/png;base64,iVBORw0KGgo=",
                "relationships": [{"targetId": "nope", "targetType": "dataset"}],
            }
        },
        404,
    ),
    # attachments with broken data URLs
    (
        "thumbnail-bad-base64",
        "POST",
        "/api/v3/datasets/{pid}/attachments",
        {"json": {"thumbnail": "data:image/png;base64,@@@@", "caption": "x"}},
        400,
    ),
    (
        "thumbnail-truncated-base64",
        "POST",
        "/api/v4/attachments",
        {
            "json": {
                "ownerGroup": "group1",
                "thumbnail": "data:image/png;base64,iVBORw0KGgo",
                "relationships": [{"targetId": "{raw_pid}", "targetType": "dataset"}],
            }
        },
        400,
    ),
    (
        "thumbnail-not-a-data-url",
        "POST",
        "/api/v3/datasets/{pid}/attachments",
        {"json": {"thumbnail": "javascript:alert(1)", "caption": "x"}},
        400,
    ),
    (
        "thumbnail-no-comma",
        "POST",
        "/api/v3/datasets/{pid}/attachments",
        {"json": {"thumbnail": "data:image/png;base64", "caption": "x"}},
        400,
    ),
    (
        "thumbnail-number",
        "POST",
        "/api/v3/datasets/{pid}/attachments",
        {"json": {"thumbnail": 42, "caption": "x"}},
        400,
    ),
    (
        "attachment-bad-target-type",
        "POST",
        "/api/v4/attachments",
        {
            "json": {
                "ownerGroup": "group1",
                "thumbnail": "data:image/png;base64,iVBORw0KGgo=",
                "relationships": [{"targetId": "{raw_pid}", "targetType": "planet"}],
            }
        },
        400,
    ),
    # wrong types in bodies
    (
        "dataset-wrong-types",
        "POST",
        "/api/v4/datasets",
        {"json": {"type": "raw", "ownerGroup": 5, "size": "big"}},
        400,
    ),
    ("patch-wrong-type", "PATCH", "/api/v4/datasets/{pid}", {"json": {"size": "big"}}, 400),
    (
        "sample-unknown-property",
        "POST",
        "/api/v3/samples",
        {"json": {"ownerGroup": "group1", "planet": "x"}},
        400,
    ),
    (
        "login-wrong-types",
        "POST",
        "/api/v3/auth/login",
        {"json": {"username": ["user1"], "password": 1}},
        400,
    ),
    # counts and deletes of proposals, samples, instruments
    ("filter-proposals-count", "GET", "/api/v3/proposals/count", filter_of("{"), 400),
    ("filter-samples-count", "GET", "/api/v3/samples/count", filter_of({"limit": -1}), 400),
    ("delete-unknown-sample", "DELETE", "/api/v3/samples/none-such", {}, 404),
    ("delete-unknown-instrument", "DELETE", "/api/v3/instruments/{pid}", {}, 404),
    ("count-v3-blocks-unknown", "GET", "/api/v3/datasets/{pid}x/origdatablocks/count", {}, 404),
    # v4 PublishedData's workflow and form routes
    ("json-resync", "POST", "/api/v4/publisheddata/10.x%2Fnone/resync", raw(b"{"), 400),
    (
        "resync-workflow-field",
        "POST",
        "/api/v4/publisheddata/10.x%2Fnone/resync",
        {"json": {"status": "registered"}},
        400,
    ),
    ("resync-unknown", "POST", "/api/v4/publisheddata/10.x%2Fnone/resync", {"json": {}}, 404),
    ("amend-not-admin", "POST", "/api/v4/publisheddata/10.x%2Fnone/amend", {}, 403),
    ("formpopulate-no-pid", "GET", "/api/v4/publisheddata/formpopulate", {}, 400),
    (
        "formpopulate-two-pids",
        "GET",
        "/api/v4/publisheddata/formpopulate",
        {"params": [("pid", "a"), ("pid", "b")]},
        400,
    ),
    (
        "formpopulate-unknown",
        "GET",
        "/api/v4/publisheddata/formpopulate",
        {"params": {"pid": "{raw_pid}-unknown"}},
        404,
    ),
]
CASES += [(f"surrogate-{name}", *rest) for name, *rest in SURROGATE_CASES]
CASES += PID_AND_SIZE_CASES


@pytest.fixture(scope="module")
def dataset_pid(scicat: Scicat) -> str:
    body = {
        "type": "raw",
        "ownerGroup": "group1",
        "accessGroups": [],
        "owner": "Ann Owner",
        "contactEmail": "ann@example.org",
        "sourceFolder": "/data/bad-input",
        "creationTime": "2024-05-01T10:00:00Z",
        "principalInvestigators": ["Pat Investigator"],
        "creationLocation": "Beamline X",
        "datasetName": "bad input target",
    }
    response = scicat.request("POST", "/api/v4/datasets", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["pid"])


def everything(scicat: Scicat) -> dict[str, Any]:
    """What an administrator sees of every kind the SciCat routes write."""

    def listed(path: str) -> Any:
        response = scicat.request("GET", path, "admin", params={"filter": '{"limit": 1000}'})
        assert response.status_code == 200, response.text
        return sorted(json.dumps(item, sort_keys=True) for item in response.json())

    return {
        "datasets": listed("/api/v3/datasets"),
        "origdatablocks": listed("/api/v4/origdatablocks"),
        "attachments": listed("/api/v4/attachments"),
        "samples": listed("/api/v3/samples"),
        "proposals": listed("/api/v3/proposals"),
        "instruments": listed("/api/v3/instruments"),
        "publisheddata": listed("/api/v3/publisheddata"),
    }


def filled(value: Any, pid: str) -> Any:
    """`{raw_pid}` replaced in a request's body or parameters."""
    if isinstance(value, str):
        return value.replace("{raw_pid}", pid)
    if isinstance(value, list):
        return [filled(v, pid) for v in value]
    if isinstance(value, dict):
        return {k: filled(v, pid) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_is_a_scicat_4xx_and_writes_nothing(
    scicat: Scicat, dataset_pid: str, method: str, path: str, kwargs: Any, status: int
) -> None:
    encoded = pid_path(dataset_pid)
    path = path.format(pid=encoded, double_pid=encoded.replace("%", "%25"))
    if kwargs == "big":
        kwargs = raw(too_big())
    elif kwargs == "big-chunked":
        kwargs = {"content": chunked(too_big()), "headers": JSON}
    else:
        kwargs = filled(kwargs, dataset_pid)
    user = kwargs.pop("as_user", "user1")
    before = everything(scicat)
    response = scicat.request(method, path, user, **kwargs)
    assert response.status_code == status, response.text[:2000]
    answer = response.json()
    assert answer["statusCode"] == status
    assert isinstance(answer["error"], str)
    assert answer["error"]
    assert answer["message"]
    if (status == 400 and method != "GET") or status == 413:
        assert answer["errors"], answer
        assert all(e["location"] and e["message"] for e in answer["errors"])
    assert everything(scicat) == before


def test_an_unknown_route_is_named_as_it_was_sent(scicat: Scicat) -> None:
    """The backend's (NestJS) message, with the path's case as sent: routing folds it."""
    response = scicat.request("GET", "/api/v3/Datasets/NoSuchRoute/Here", "user1")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["message"] == "Cannot GET /api/v3/Datasets/NoSuchRoute/Here"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v3/Datasets", {"GET", "POST"}),
        ("PUT", "/api/v4/datasets/", {"GET", "POST"}),
        ("POST", "/api/v3/publisheddata/{doi}", {"GET", "PATCH", "DELETE"}),
    ],
)
def test_a_wrong_method_names_every_method_the_path_answers(
    scicat: Scicat, method: str, path: str, allowed: set[str]
) -> None:
    """`Allow` is the union of every route at the path (one route per method here), not the
    first route's methods; the message names them too."""
    path = path.replace("{doi}", "10.5072%2Fsome-doi")
    response = scicat.request(method, path, "user1")
    assert response.status_code == 405, response.text
    named = {m.strip() for m in response.headers["allow"].split(",")}
    assert named == allowed
    assert response.json()["statusCode"] == 405
    assert all(m in response.json()["message"] for m in allowed)
