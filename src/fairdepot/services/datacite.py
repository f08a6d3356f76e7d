"""The DataCite REST API, the outside world that mints DOIs (only if an account is configured).

`register_doi` makes (or, after an earlier attempt whose answer we lost, updates) a findable
DOI with its DataCite metadata: `POST {url}/dois`, and on 422 "already taken" `PUT
{url}/dois/{doi}`, so a registration retried after a failure is idempotent. Any failure to
reach DataCite, or an answer that is not a success, is DependencyUnavailable (503): the caller
registers inside its unit of work, which then rolls back, so nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from fairdepot.config import Settings
from fairdepot.core.errors import DependencyUnavailable

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class DataciteAccount:
    url: str
    username: str
    password: str
    prefix: str


def account_of(settings: Settings) -> DataciteAccount | None:
    """The configured account, or None when DataCite is not configured (no DOI is minted)."""
    if not (
        settings.datacite_url
        and settings.datacite_username
        and settings.datacite_password
        and settings.datacite_prefix
    ):
        return None
    return DataciteAccount(
        settings.datacite_url.rstrip("/"),
        settings.datacite_username,
        settings.datacite_password,
        settings.datacite_prefix.rstrip("/"),
    )


def doi_body(doi: str, published: dict[str, Any], landing_page: str) -> dict[str, Any]:
    """The JSON:API document DataCite takes for a findable DOI (its required properties)."""
    return {
        "data": {
            "type": "dois",
            "attributes": {
                "doi": doi,
                "event": "publish",
                "url": landing_page,
                "titles": [{"title": published["title"]}],
                "creators": [{"name": name} for name in published.get("creator", [])],
                "publisher": published["publisher"],
                "publicationYear": int(published["publicationYear"]),
                "types": {
                    "resourceTypeGeneral": "Dataset",
                    "resourceType": published["resourceType"],
                },
                "descriptions": [
                    {"description": published["abstract"], "descriptionType": "Abstract"}
                ],
            },
        }
    }


def register_doi(account: DataciteAccount, doi: str, body: dict[str, Any]) -> None:
    """Make `doi` findable at DataCite; DependencyUnavailable if DataCite does not do it."""
    auth = (account.username, account.password)
    headers = {"Content-Type": "application/vnd.api+json"}
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, auth=auth, headers=headers) as client:
            response = client.post(f"{account.url}/dois", json=body)
            if response.status_code == 422 and "taken" in response.text.lower():
                response = client.put(f"{account.url}/dois/{doi}", json=body)
    except httpx.HTTPError as exc:
        raise DependencyUnavailable("DataCite", f"unreachable: {exc}") from exc
    if not response.is_success:
        raise DependencyUnavailable(
            "DataCite", f"registering {doi} answered {response.status_code}: {response.text[:200]}"
        )
