"""The gCat face's facility inside the session's deployment: two organizations of its own and
one account per role, with API tokens, seeded through the services the server runs.

gCat tests share the session deployment (`server`, xdist group "deployment") instead of
starting one of their own; every name they create carries the facility's `tag`, so that they
neither see nor disturb what the other faces' tests create.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from fairdepot.core.policy import Membership, Role
from fairdepot.services import accounts, organizations
from fairdepot.services.runtime import Runtime
from tests.support.server import FAIRDEPOT

ROLES = ("member", "editor", "admin", "manager", "moderator")
"""The gCat roles, each held by one account in the facility's organization."""
OTHERS = ("outsider", "sysadmin")
"""An account with no role anywhere, and a facility administrator."""
WRITERS = ("admin", "manager", "sysadmin")
"""Who may write organizations, groups and users (reference §4)."""


@dataclass
class GcatFacility:
    base_url: str
    runtime: Runtime
    env: dict[str, str]
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    tokens: dict[str, str] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.url = f"{self.base_url}/gcat"
        self.http = httpx.Client(base_url=self.url, timeout=60)

    @property
    def org(self) -> str:
        """The organization where each of `ROLES` is held by one account."""
        return f"gcat-{self.tag}"

    def name(self, stem: str) -> str:
        """A name nobody else's test uses."""
        return f"{stem}-{self.tag}"

    def seed(self) -> GcatFacility:
        organizations.add_organization(self.runtime, self.org, title="gCat tests")
        for label in (*ROLES, *OTHERS):
            username = f"gc-{label}-{self.tag}"
            accounts.add_user(
                self.runtime,
                username,
                f"{username}@example.org",
                f"{username}-pw",
                [],
                admin=label == "sysadmin",
            )
            if label in ROLES:
                membership = Membership(self.org, Role.parse(f"catalogue-{label}"))
                organizations.set_memberships(self.runtime, username, [membership])
            self.usernames[label] = username
            self.tokens[label] = accounts.create_api_token(self.runtime, username)
        return self

    def headers(self, label: str | None) -> dict[str, str]:
        """`gcube-token` of the account with this role (None: no token)."""
        return {"gcube-token": self.tokens[label]} if label else {}

    def call(self, method: str, path: str, label: str | None = None, **kw: Any) -> httpx.Response:
        headers = {**self.headers(label), **kw.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kw)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`fairdepot ...` on the deployment's catalogue, as its operator runs it."""
        return subprocess.run(
            [*FAIRDEPOT, *args], env=self.env, capture_output=True, text=True, check=False
        )


def seed_crate(runtime: Runtime, stem: str, keyword: str) -> str:
    """A published FAIRSCAPE dataset record carrying `keyword`, as that face stores one; its
    ARK."""
    from fairdepot.core.records import Access, Face, PublicationStatus, Record

    ark = f"ark:59852/rocrate-{stem}-{uuid.uuid4().hex[:8]}"
    metadata = {"@id": ark, "@type": "Dataset", "name": stem, "keywords": [keyword]}
    record = Record(
        ark=ark,
        kind="Dataset",
        face=Face.FAIRSCAPE,
        metadata=metadata,
        access=Access(owner_id=None, publication=PublicationStatus.PUBLISHED),
        types=["Dataset"],
        name=stem,
        description=f"a crate about {keyword}",
        keywords=[keyword],
    )
    with runtime.writing() as store:
        store.insert(record)
    return ark


def seed_scicat_dataset(runtime: Runtime, stem: str, keyword: str) -> str:
    """A published SciCat raw dataset with `keyword`, created through the SciCat use case; its
    ARK."""
    from fairdepot.services.scicat import datasets
    from tests.support.scicat_bodies import raw_dataset

    username = f"sc-{stem}-{uuid.uuid4().hex[:6]}"
    user = accounts.add_user(runtime, username, f"{username}@example.org", "pw", ["group1"])
    actor = accounts.actor_for(user, runtime.settings.facility_groups)
    body = raw_dataset(stem, isPublished=True, keywords=[keyword])
    created = datasets.create(runtime, actor, body)
    return datasets.ark_of(runtime, actor, created["pid"])
