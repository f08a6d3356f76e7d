"""`GET /gcat/namespaces`: what `fairdepot org namespaces --file` set, in gCat's shape."""

from __future__ import annotations

import json


def test_namespaces_set_by_the_operator_are_listed_with_name_equal_to_id(gcat, tmp_path) -> None:
    entries = [
        {"id": "contact", "title": "Contact Title", "description": "About contacts"},
        {"id": "coverage", "title": "Coverage", "description": ""},
    ]
    source = tmp_path / "namespaces.json"
    source.write_text(json.dumps(entries))
    loaded = gcat.cli("org", "namespaces", "--file", str(source))
    assert loaded.returncode == 0, loaded.stderr
    answer = gcat.call("GET", "/namespaces", "member")
    assert answer.status_code == 200
    assert answer.json() == [{**e, "name": e["id"]} for e in entries]
    shown = gcat.cli("org", "namespaces")
    assert shown.stdout.splitlines() == [
        "contact\tContact Title\tAbout contacts",
        "coverage\tCoverage\t",
    ]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "a b"}]))
    refused = gcat.cli("org", "namespaces", "--file", str(bad))
    assert refused.returncode == 1
    assert "[0].id" in refused.stderr
    assert gcat.call("GET", "/namespaces", "member").json()[0]["id"] == "contact"
