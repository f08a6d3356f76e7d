"""The facility's namespaces: replaced as a whole from a file, read back in order."""

from __future__ import annotations

import json

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.namespaces import Namespace
from fairdepot.services import namespaces


def test_a_file_replaces_the_namespaces_and_keeps_their_order(runtime, tmp_path) -> None:
    first = tmp_path / "first.json"
    first.write_text(json.dumps([{"id": "z-last", "title": "Z"}, {"id": "a-first"}]))
    namespaces.load_namespaces_file(runtime, first)
    assert [n.id for n in namespaces.list_namespaces(runtime)] == ["z-last", "a-first"]
    second = tmp_path / "second.json"
    second.write_text(json.dumps([{"id": "contact", "title": "Contact", "description": "d"}]))
    namespaces.load_namespaces_file(runtime, second)
    assert namespaces.list_namespaces(runtime) == [Namespace("contact", "Contact", "d")]


def test_a_bad_file_changes_nothing(runtime, tmp_path) -> None:
    namespaces.replace_namespaces(runtime, [Namespace("kept")])
    bad = tmp_path / "bad.json"
    for text in ("{not json", json.dumps([{"id": "a"}, {"id": "a"}])):
        bad.write_text(text)
        with pytest.raises(InvalidInput):
            namespaces.load_namespaces_file(runtime, bad)
    assert namespaces.list_namespaces(runtime) == [Namespace("kept")]
