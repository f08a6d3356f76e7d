"""The licences a gCat item may name, in CKAN's `license_list` shape (bundled `licenses.json`).

The list holds CKAN's fifteen defaults (`notspecified`, `cc-by`, ...) and the opendefinition
ids D4Science's catalogues use (`CC-BY-4.0`, `MIT`, ...), with their conformance facts from
the Open Definition's licence register. `od_conformance`/`osd_conformance` are the facts
kept; CKAN's older booleans `is_okd_compliant`/`is_osi_compliant` and `isopen` follow from
them, so the two forms cannot disagree. A setting to replace the list can read a file of the
same shape later (`licenses_from`).

`license_for_url` names the licence of a record from another face: a crate's schema.org
`license` is a URL (`https://creativecommons.org/licenses/by/4.0/`), an SPDX URL, or an id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

APPROVED = "approved"

DOCUMENT_KEYS = (
    "id",
    "title",
    "url",
    "status",
    "maintainer",
    "family",
    "domain_content",
    "domain_data",
    "domain_software",
    "od_conformance",
    "osd_conformance",
    "is_okd_compliant",
    "is_osi_compliant",
)
"""The keys of one `GET /licenses` entry, in this order (the spec's example has all of them)."""


@dataclass(frozen=True)
class License:
    """One licence as CKAN's licence register holds it."""

    id: str
    title: str
    url: str
    status: str = "active"
    maintainer: str = ""
    family: str = ""
    domain_content: bool = False
    domain_data: bool = False
    domain_software: bool = False
    od_conformance: str = "not reviewed"
    osd_conformance: str = "not reviewed"

    @property
    def is_okd_compliant(self) -> bool:
        """CKAN's older flag: approved by the Open Definition (open knowledge)."""
        return self.od_conformance == APPROVED

    @property
    def is_osi_compliant(self) -> bool:
        """CKAN's older flag: approved by the Open Source Definition."""
        return self.osd_conformance == APPROVED

    @property
    def isopen(self) -> bool:
        """A package's `isopen`, as CKAN decides it: either definition approves the licence."""
        return self.is_okd_compliant or self.is_osi_compliant


def license_document(license: License) -> dict[str, Any]:
    """The JSON object `GET /licenses` lists for `license` (CKAN's `license_list` entry)."""
    return {key: getattr(license, key) for key in DOCUMENT_KEYS}


def licenses_from(entries: object) -> tuple[License, ...]:
    """Licences read from a JSON array of `license_list` objects (the bundled file's shape);
    a malformed entry is a ValueError naming it (the list is ours or an operator's file)."""
    if not isinstance(entries, list):
        raise ValueError("a licence list must be a JSON array")
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ValueError(f"licence entry {index} has no text id")
        try:
            found.append(
                License(**{k: v for k, v in entry.items() if k in License.__dataclass_fields__})
            )
        except TypeError as error:
            raise ValueError(f"licence entry {index} ({entry['id']}): {error}") from error
    ids = [license.id for license in found]
    if len(set(ids)) != len(ids):
        raise ValueError("a licence list names an id twice")
    return tuple(found)


@cache
def _bundled() -> tuple[License, ...]:
    text = (resources.files("fairdepot.core") / "licenses.json").read_text("utf-8")
    return licenses_from(json.loads(text))


def all_licenses() -> list[License]:
    """Every licence, CKAN's defaults first, in the order `GET /licenses` lists them."""
    return list(_bundled())


@cache
def _by_id() -> dict[str, License]:
    return {license.id: license for license in _bundled()}


def find_license(license_id: object) -> License | None:
    """The licence with exactly this id (CKAN compares ids as given), or None."""
    return _by_id().get(license_id) if isinstance(license_id, str) else None


# -- a schema.org `license` as a licence of the list -------------------------------------

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_TAIL = re.compile(r"/(?:legalcode(?:\.[a-z-]+)?|deed(?:\.[a-z-]+)?)$|\.html?$|\.txt$")
_CREATIVE_COMMONS = re.compile(r"^creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)(?:/.*)?$")
_ID_REGISTERS = ("spdx.org/licenses/", "opensource.org/licenses/", "opensource.org/license/")


def _url_key(url: str) -> str:
    """A licence URL compared the way people vary it: no scheme, no `www.`, lower case, no
    trailing slash, no `legalcode`/`deed.xx`/`.html` tail."""
    key = _SCHEME.sub("", url.strip().lower())
    key = key.removeprefix("www.").rstrip("/")
    return _TAIL.sub("", key).rstrip("/")


@cache
def _by_url() -> dict[str, str]:
    """Licence URL key → id. Later entries win: a versioned opendefinition id (`ODC-BY-1.0`,
    `OGL-UK-3.0`) over CKAN's unversioned one at the same address."""
    return {_url_key(lic.url): lic.id for lic in _bundled() if lic.url}


@cache
def _by_folded_id() -> dict[str, str]:
    folded: dict[str, str] = {}
    for license in _bundled():
        folded.setdefault(license.id.lower(), license.id)
    return folded


def license_for_url(value: object) -> str | None:
    """The id of the licence a schema.org `license` names: its URL in the list (scheme,
    `www.`, case, trailing slash and `legalcode` ignored), a Creative Commons licence URL of
    a version listed (`.../by-nc/4.0/` → `CC-BY-NC-4.0`), an SPDX or OSI register URL, an id
    (`CC-BY-4.0`, `mit`), or a `{"@id": url}` reference to any of these; None otherwise."""
    if isinstance(value, dict):
        value = value.get("@id")
    if not isinstance(value, str) or not value.strip():
        return None
    exact = find_license(value.strip())
    if exact is not None:
        return exact.id
    folded = _by_folded_id().get(value.strip().lower())
    if folded is not None:
        return folded
    key = _url_key(value)
    if key in _by_url():
        return _by_url()[key]
    creative = _CREATIVE_COMMONS.match(key)
    if creative:
        return _by_folded_id().get(f"cc-{creative.group(1)}-{creative.group(2)}")
    for register in _ID_REGISTERS:
        if key.startswith(register):
            return _by_folded_id().get(key[len(register) :])
    return None
