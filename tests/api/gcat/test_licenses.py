"""`GET /gcat/licenses`: the licence list in CKAN's shape."""

from __future__ import annotations

from fairdepot.core.licenses import all_licenses


def test_every_licence_in_ckans_shape(gcat) -> None:
    answer = gcat.call("GET", "/licenses", "member")
    assert answer.status_code == 200
    listed = answer.json()
    assert [entry["id"] for entry in listed] == [licence.id for licence in all_licenses()]
    by_id = {entry["id"]: entry for entry in listed}
    assert by_id["cc-by"]["title"] == "Creative Commons Attribution"
    assert {"od_conformance", "osd_conformance", "domain_data", "is_okd_compliant"} <= set(
        by_id["cc-by"]
    )
    assert gcat.call("GET", "/licenses", None).status_code == 401
    assert gcat.call("HEAD", "/licenses", "member").status_code == 204
    assert gcat.call("POST", "/licenses", "admin", json={}).status_code == 405
