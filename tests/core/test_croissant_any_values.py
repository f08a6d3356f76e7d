"""Croissant from any metadata a record can hold: no crash, always strict JSON (property-based).

A stored crate's properties can hold any JSON value (numbers where text is expected, objects,
lists, huge integers from before the intake limits). The crosswalk omits or normalises what it
cannot read; it never raises anything but InvalidInput (no graph, no root).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdepot.core.errors import InvalidInput
from fairdepot.core.metadata.croissant import crate_to_croissant

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 0, -1])  # repr() fails past 4,300 digits
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["²", "٣", "9" * 5000, "3 MB", "text/csv", "https://x.org/a.csv", ""])
)
_KEYS = st.sampled_from(["@id", "@value", "@type", "name", "email", "url", "x"])
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=8,
)
FILE_FIELDS = [
    "name", "description", "contentSize", "size", "encodingFormat", "format", "fileFormat",
    "sha256", "md5", "contentUrl", "@type",
]  # fmt: skip
ROOT_FIELDS = [
    "name", "description", "author", "creator", "keywords", "license", "datePublished",
    "dateCreated", "dateModified", "version", "url", "publisher", "identifier", "citation",
    "conformsTo", "additionalProperty", "isPartOf", "hasPart",
]  # fmt: skip


SCHEMA_FIELDS = ["name", "description", "properties", "required", "@type"]
_PROPERTY_DETAILS = st.dictionaries(
    st.sampled_from(["type", "items", "separator", "description", "properties"]),
    JSON_VALUES,
    max_size=4,
)
SCHEMA_PROPERTIES = st.dictionaries(
    st.text(max_size=6), _PROPERTY_DETAILS | JSON_VALUES, max_size=4
)


def _crate(
    root: dict[str, Any], web_file: dict[str, Any], schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    base_root = {"@id": "ark:99999/fd1root", "@type": "Dataset", "name": "Root"}
    base_file = {
        "@id": "https://data.example.org/t.csv",
        "@type": "File",
        "name": "T",
        "schema": {"@id": "#schema"},
    }
    base_schema = {"@id": "#schema", "@type": "Schema", "properties": {"a": {"type": "integer"}}}
    descriptor = {"@id": "ro-crate-metadata.json", "about": {"@id": "ark:99999/fd1root"}}
    return {
        "@context": {"@vocab": "https://schema.org/"},
        "@graph": [
            descriptor,
            {**base_root, **root},
            {**base_file, **web_file},
            {**base_schema, **(schema or {})},
        ],
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    root=st.dictionaries(st.sampled_from(ROOT_FIELDS), JSON_VALUES, max_size=5),
    web_file=st.dictionaries(st.sampled_from(FILE_FIELDS), JSON_VALUES, max_size=5),
    schema=st.fixed_dictionaries(
        {}, optional={"properties": SCHEMA_PROPERTIES, "required": JSON_VALUES, "name": JSON_VALUES}
    ),
)
def test_any_property_values_give_strict_json_croissant(
    root: dict, web_file: dict, schema: dict
) -> None:
    try:
        doc = crate_to_croissant(_crate(root, web_file, schema))
    except InvalidInput:
        return
    json.dumps(doc, allow_nan=False)
    for described in doc["distribution"]:
        size = described.get("contentSize")
        assert size is None or (isinstance(size, str) and len(size) < 40), size


def test_a_schema_with_odd_required_names_still_gives_its_record_set() -> None:
    schema = {"required": [10**5000, {"a": 1}, "a"], "properties": {"a": {"type": "integer"}}}
    doc = crate_to_croissant(_crate({}, {}, schema))
    (record_set,) = doc["recordSet"]
    assert record_set["key"] == [{"@id": f"{record_set['@id']}/a"}], record_set
