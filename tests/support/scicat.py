"""A deployment configured as a SciCat facility, and a thin SciCat HTTP client for tests.

The accounts are scitacean's test backend users (`scitacean.testing.backend.config.USERS`:
user1..user5.x in group1..group5, ingestor) plus an administrator, an account in the delete
groups, one that may create with its own pid and one in two groups (group6 and sharers), so
the real clients run against us with the credentials their own test suites use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

PID_PREFIX = "PID.prefix.a0b1"

USERS: dict[str, tuple[str, str]] = {
    "ingestor": ("aman", "ingestor"),
    "user1": ("a609316768619f154ef58db4d847b75e", "group1"),
    "user2": ("f522d1d715970073a6413474ca0e0f63", "group2"),
    "user3": ("70dc489e8ee823ae815e18d664424df2", "group3"),
    "user4": ("0014890e7020f515b92b767227ef2dfa", "group4"),
    "user5.1": ("359a5fda99bfe5dbc42ee9b3ede77fb7", "group5"),
    "user5.2": ("f3ebd2e4def95db59ef95ee32ef45242", "group5"),
    "admin": ("admin-pw", "admingroup"),
    "archivemanager": ("archive-pw", "archivemanager"),
    "pidmaker": ("pid-pw", "pidmakers"),
    "twogroups": ("two-groups-pw", "group6"),
}
"""username -> (password, group)."""

MORE_GROUPS: dict[str, list[str]] = {"twogroups": ["sharers"]}
"""username -> the groups it is in besides its role (functionalAccounts.json `groups`)."""

SETTINGS = {
    "FAIRDEPOT_PID_PREFIX": PID_PREFIX,
    "FAIRDEPOT_ADMIN_GROUPS": "admingroup",
    "FAIRDEPOT_DELETE_GROUPS": "archivemanager",
    "FAIRDEPOT_CREATE_WITH_PID_GROUPS": "pidmakers",
    "FAIRDEPOT_CREATE_PRIVILEGED_GROUPS": "ingestor",
    "FAIRDEPOT_PROPOSAL_GROUPS": "ingestor",
}


def write_accounts(path: Path) -> Path:
    """functionalAccounts.json, the way a SciCat facility brings its accounts."""
    accounts = [
        {
            "user": {
                "username": name,
                "email": f"{name}@your.site",
                "password": password,
            },
            "role": group,
            "global": False,
            **({"groups": MORE_GROUPS[name]} if name in MORE_GROUPS else {}),
        }
        for name, (password, group) in USERS.items()
    ]
    path.write_text(json.dumps(accounts))
    return path


def deployment_settings(root: Path) -> dict[str, str]:
    root.mkdir(parents=True, exist_ok=True)
    accounts = write_accounts(root / "scicat-accounts.json")
    return {**SETTINGS, "FAIRDEPOT_ACCOUNTS_FILE": str(accounts)}


def pid_path(pid: str) -> str:
    """A pid as a path segment, as every SciCat client sends it (`/` as `%2F`)."""
    return quote(pid, safe="")


class Scicat:
    """httpx against a server's SciCat face, logging in with the accounts above."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=base_url, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.http.post(
                "/api/v3/auth/login",
                json={"username": username, "password": USERS[username][0]},
            )
            assert response.status_code == 201, response.text
            self._tokens[username] = response.json()["id"]
        return self._tokens[username]

    def auth(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def request(
        self, method: str, path: str, username: str | None = "user1", **kwargs: Any
    ) -> httpx.Response:
        headers = {**self.auth(username), **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)
