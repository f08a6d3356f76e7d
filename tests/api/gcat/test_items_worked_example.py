"""Reference §9 over `POST /gcat/items`: the worked example's valid item is stored with the
documented extras, tags and groups, and each invalid variant is refused with gCat's words.

Written against the documented item API (the spec and reference §3.1, §9); it runs once the
items endpoints exist (skipped until then). The example lives in an organization of its own,
so that its profiles validate no other test's items.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.core.profiles.conftest import example_bytes
from tests.support.gcat import GcatFacility
from tests.support.gcat_worked_example import INVALID, STORED_EXTRAS, VALID

NAMESPACES = [
    {"id": "contact", "title": "Contact Title", "description": "About contacts"},
    {"id": "coverage", "title": "Coverage", "description": ""},
]
"""What tests/api/gcat/test_namespaces.py sets too: either order of the two tests sees its own."""


@pytest.fixture(scope="module")
def example(gcat, tmp_path_factory) -> Iterator[GcatFacility]:
    own = GcatFacility(gcat.base_url, gcat.runtime, gcat.env).seed()
    source = tmp_path_factory.mktemp("namespaces") / "namespaces.json"
    source.write_text(json.dumps(NAMESPACES))
    assert own.cli("org", "namespaces", "--file", str(source)).returncode == 0
    for name, file in (
        ("ExampleDataset", "ExampleDataset.xml"),
        ("EmptyProfile", "EmptyProfileExample.xml"),
    ):
        answer = own.call(
            "PUT",
            f"/profiles/{name}",
            "admin",
            content=example_bytes(file),
            headers={"Content-Type": "application/xml"},
        )
        assert answer.status_code == 201, answer.text
    yield own
    own.http.close()


def item(facility: GcatFacility, **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(VALID), "owner_org": facility.org, **changes}


def test_the_valid_item_is_stored_with_the_documented_extras_tags_and_groups(example) -> None:
    created = example.call("POST", "/items", "editor", json=item(example))
    assert created.status_code == 201, created.text
    stored = created.json()
    pairs = [(e["key"], e["value"]) for e in stored["extras"]]
    # what the client sent, as gCat stores it, then what the server adds when it shows the
    # item (as gCat appends its `Item URL`): the record's ARK, which resolves
    assert pairs[: len(STORED_EXTRAS)] == STORED_EXTRAS
    (ark_key, ark), *rest = pairs[len(STORED_EXTRAS) :]
    assert ark_key == "fairdepot:ark"
    assert rest == []
    assert httpx.get(f"{example.base_url}/api/{ark}", timeout=30).status_code == 200
    assert [t["name"] for t in stored["tags"]] == ["example", "Country-Italy", "Country-Greece"]
    assert [g["name"] for g in stored["groups"]] == ["italy", "greece"]
    for name, title in (("italy", "Italy"), ("greece", "Greece")):
        assert example.call("GET", f"/groups/{name}", "member").json()["title"] == title
    again = example.call("POST", "/items", "editor", json=item(example))
    assert again.status_code == 409


@pytest.mark.parametrize(("change", "message"), INVALID)
def test_each_invalid_variant_is_400_with_gcats_message(example, change, message) -> None:
    body = change(item(example, name=example.name("invalid")))
    answer = example.call("POST", "/items", "editor", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"] == message


def test_an_item_without_a_license_or_with_a_bad_name_is_400(example) -> None:
    body = item(example, name=example.name("no-licence"))
    del body["license_id"]
    answer = example.call("POST", "/items", "editor", json=body)
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "You must specify a license identifier for the item. License list can be retrieved"
        " using licence collection"
    )
    named = example.call("POST", "/items", "editor", json=item(example, name="My Item"))
    assert named.status_code == 400
    assert named.json()["message"].startswith(
        "The 'name' must be between 2 and 100 characters long and contain only lowercase"
        " alphanumeric characters, '-' and '_'"
    )
