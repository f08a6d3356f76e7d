"""The bundled licence list: CKAN's `license_list` shape, CKAN's defaults and the opendefinition
ids D4Science uses, the spec's example entries exactly, and licences found from a crate's URL."""

from __future__ import annotations

import json

import pytest

from fairdepot.core.licenses import (
    DOCUMENT_KEYS,
    License,
    all_licenses,
    find_license,
    license_document,
    license_for_url,
    licenses_from,
)

CKAN_DEFAULTS = [
    "notspecified",
    "odc-pddl",
    "odc-odbl",
    "odc-by",
    "cc-zero",
    "cc-by",
    "cc-by-sa",
    "gfdl",
    "other-open",
    "other-pd",
    "other-at",
    "uk-ogl",
    "cc-nc",
    "other-nc",
    "other-closed",
]
D4SCIENCE_IDS = [
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-ND-4.0",
    "CC0-1.0",
    "ODC-BY-1.0",
    "ODbL-1.0",
    "PDDL-1.0",
    "GPL-2.0",
    "GPL-3.0",
    "AGPL-3.0",
    "LGPL-3.0",
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
]

# The three entries gcat-service-rest-api.txt shows under "License Collection", as printed.
SPEC_EXAMPLES = [
    {
        "status": "active",
        "maintainer": "Creative Commons",
        "od_conformance": "rejected",
        "family": "Creative Commons",
        "osd_conformance": "not reviewed",
        "domain_data": True,
        "title": "Creative Commons Attribution-NonCommercial-ShareAlike 4.0",
        "url": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        "domain_content": True,
        "is_okd_compliant": False,
        "is_osi_compliant": False,
        "domain_software": False,
        "id": "CC-BY-NC-SA-4.0",
    },
    {
        "status": "active",
        "maintainer": "Creative Commons",
        "od_conformance": "rejected",
        "family": "Creative Commons",
        "osd_conformance": "not reviewed",
        "domain_data": True,
        "title": "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
        "url": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        "domain_content": True,
        "is_okd_compliant": False,
        "is_osi_compliant": False,
        "domain_software": False,
        "id": "CC-BY-NC-ND-4.0",
    },
    {
        "status": "active",
        "maintainer": "Free Software Foundation",
        "od_conformance": "not reviewed",
        "family": "",
        "osd_conformance": "approved",
        "domain_data": False,
        "title": "GNU Affero General Public License v3",
        "url": "http://www.opensource.org/licenses/AGPL-3.0",
        "domain_content": False,
        "is_okd_compliant": False,
        "is_osi_compliant": True,
        "domain_software": True,
        "id": "AGPL-3.0",
    },
]


def test_the_list_starts_with_ckans_defaults_in_ckans_order_and_has_d4sciences_ids() -> None:
    ids = [license.id for license in all_licenses()]
    assert ids[: len(CKAN_DEFAULTS)] == CKAN_DEFAULTS
    assert set(D4SCIENCE_IDS) <= set(ids)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("example", SPEC_EXAMPLES, ids=lambda e: e["id"])
def test_the_spec_example_entries_are_listed_exactly(example: dict) -> None:
    license = find_license(example["id"])
    assert license is not None
    assert license_document(license) == example


def test_every_entry_has_the_license_list_shape() -> None:
    for license in all_licenses():
        document = license_document(license)
        assert list(document) == list(DOCUMENT_KEYS)
        for key in ("domain_content", "domain_data", "domain_software"):
            assert isinstance(document[key], bool), (license.id, key)
        for key in ("od_conformance", "osd_conformance"):
            assert document[key] in {"approved", "rejected", "not reviewed"}, (license.id, key)
        assert document["status"] == "active"
        assert document["title"]
        assert document["url"] == "" or document["url"].startswith(("http://", "https://"))
        assert document["is_okd_compliant"] == (document["od_conformance"] == "approved")
        assert document["is_osi_compliant"] == (document["osd_conformance"] == "approved")


@pytest.mark.parametrize(
    ("license_id", "isopen", "domain"),
    [
        ("cc-by", True, "domain_content"),
        ("odc-odbl", True, "domain_data"),
        ("CC-BY-4.0", True, "domain_data"),
        ("CC0-1.0", True, "domain_software"),
        ("MIT", True, "domain_software"),
        ("GPL-3.0", True, "domain_software"),
        ("CC-BY-NC-4.0", False, "domain_content"),
        ("cc-nc", False, None),
        ("other-closed", False, None),
        ("notspecified", False, None),
    ],
)
def test_openness_and_domains_follow_the_definitions(
    license_id: str, isopen: bool, domain: str | None
) -> None:
    license = find_license(license_id)
    assert license is not None
    assert license.isopen is isopen
    if domain is not None:
        assert getattr(license, domain) is True


def test_ids_are_found_exactly_as_ckan_compares_them() -> None:
    assert find_license("CC-BY-4.0") is not None
    assert find_license("cc-by-4.0") is None
    assert find_license("nope") is None
    assert find_license(4) is None


def test_the_bundled_file_is_a_json_array_of_license_list_objects() -> None:
    from importlib import resources

    text = (resources.files("fairdepot.core") / "licenses.json").read_text("utf-8")
    assert [license.id for license in licenses_from(json.loads(text))] == [
        license.id for license in all_licenses()
    ]


@pytest.mark.parametrize(
    "entries",
    [
        {},
        [{"title": "no id"}],
        [{"id": "x", "title": "t"}],
        [{"id": "x", "title": "t", "url": ""}] * 2,
    ],
)
def test_a_malformed_list_is_refused(entries: object) -> None:
    with pytest.raises(ValueError, match="licence"):
        licenses_from(entries)


def test_a_license_is_a_value() -> None:
    assert License("x", "X", "") == License("x", "X", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by/4.0", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/deed.en", "CC-BY-NC-SA-4.0"),
        ("https://creativecommons.org/licenses/by-nd/4.0/", "CC-BY-ND-4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://spdx.org/licenses/MIT.html", "MIT"),
        ("https://opensource.org/licenses/Apache-2.0", "Apache-2.0"),
        ("https://opensource.org/license/bsd-3-clause/", "BSD-3-Clause"),
        ("https://www.opensource.org/licenses/AGPL-3.0", "AGPL-3.0"),
        ("http://www.opendefinition.org/licenses/odc-by", "ODC-BY-1.0"),
        ("http://www.opendefinition.org/licenses/cc-by-sa", "cc-by-sa"),
        (
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            "OGL-UK-3.0",
        ),
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("mit", "MIT"),
        ("cc-by", "cc-by"),
        ({"@id": "https://creativecommons.org/licenses/by-sa/4.0/"}, "CC-BY-SA-4.0"),
        ("https://creativecommons.org/licenses/by/3.0/", None),
        ("https://example.org/my-licence", None),
        ("", None),
        (None, None),
        (["https://creativecommons.org/licenses/by/4.0/"], None),
    ],
)
def test_a_crates_license_url_names_a_listed_licence(value: object, expected: str | None) -> None:
    assert license_for_url(value) == expected
