"""Links are rendered when served: a deployment renamed (restarted under another
FAIRDEPOT_PUBLIC_URL) serves every link under its new name, and its old ETags no longer match.

Workers of the scale-out shape run without FAIRDEPOT_PUBLIC_URL (tests/support/deployments.py),
so a worker that still wrote its own URL into records would show here as 127.0.0.1:8000 links.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from fairdepot.core.metadata.croissant import CROISSANT_MEDIA_TYPE
from tests.api.fairscape.test_evidence_graphs import _built
from tests.conftest import Api
from tests.support.crates import fresh_copy, zip_folder
from tests.support.deployments import Deployment, backend_name, embedded, scaleout
from tests.support.server import ServerProcess, embedded_env, free_port

RESOLVER_TYPES = [
    "application/json",
    "application/ld+json",
    "text/turtle",
    "application/rdf+xml",
    "application/n-triples",
]
CRATE_TYPES = ["application/ld+json", CROISSANT_MEDIA_TYPE, "text/turtle", "application/rdf+xml"]


def _deploy(root: Path, request: pytest.FixtureRequest) -> Deployment:
    if backend_name() == "scaleout":
        return scaleout(root, request.getfixturevalue("seaweedfs"), api_processes=2, workers=1)
    return embedded(root)


def _representations(api: Api, crate: str, arks: list[str], graph: str) -> dict[str, str]:
    """Every representation that can print a link, by name, as served."""
    auth = api.auth("alice")
    served = {"evidence graph": api.http.get(f"/evidencegraph/{graph}", headers=auth).text}
    for ark in arks:
        for media_type in RESOLVER_TYPES:
            response = api.http.get(f"/{ark}", headers={**auth, "Accept": media_type})
            assert response.status_code == 200, (ark, media_type, response.text)
            served[f"{ark} {media_type}"] = response.text
        served[f"{ark} ?info"] = api.http.get(f"/{ark}?info").text
    for media_type in CRATE_TYPES:
        response = api.http.get(f"/rocrate/{crate}", headers={**auth, "Accept": media_type})
        assert response.status_code == 200, (media_type, response.text)
        served[f"crate {media_type}"] = response.text
    served["search"] = api.http.get("/search/basic", params={"query": "dataset"}).text
    served["home"] = httpx.get(api.server.base_url + "/", timeout=30).text
    return served


def _our_links(text: str, port: int) -> tuple[set[str], set[str]]:
    """The hosts and the paths of every link to this deployment's port in `text`."""
    found = re.findall(rf"(https?://[A-Za-z0-9.\-]+:{port})(/[^\s\"'<>]*)", text)
    return {host for host, _ in found}, {path for _, path in found}


def _rename(deployment: Deployment, public_url: str) -> None:
    for server in deployment.servers:
        server.stop()
        server.env = {**server.env, "FAIRDEPOT_PUBLIC_URL": public_url}
        server.start()


def test_every_link_in_every_representation_follows_a_new_public_url(
    tmp_path, request, fairscape_crate_dir
) -> None:
    deployment = _deploy(tmp_path / "d", request)
    try:
        api = Api(deployment)
        zipped = zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip")
        job = api.ingest(zipped)
        assert job["status"] == "COMPLETE", job
        crate, arks = job["rocrateIdentifier"], job["identifiers"]
        old_base, port = deployment.base_url, deployment.port
        graph = _built(api, arks[-1])["result"]["evidence_graph_id"]  # built by a worker
        arks = [*arks, graph]
        before = _representations(api, crate, arks, graph)
        dataset = next(
            a for a in arks if "/dataset/download/" in before[f"{a} application/ld+json"]
        )
        old_etag = api.http.get(f"/{dataset}").headers["ETag"]

        new_base = f"http://localhost:{port}"  # the same deployment under another name
        _rename(deployment, new_base)
        after = _representations(api, crate, arks, graph)

        assert before.keys() == after.keys()
        with_links = 0
        for name, text in after.items():
            assert "fairdepot:" not in text, name  # stored links never leak unrendered
            assert port == 8000 or "127.0.0.1:8000" not in text, name  # no worker's default
            old_hosts, old_paths = _our_links(before[name], port)
            new_hosts, new_paths = _our_links(text, port)
            assert old_hosts <= {old_base}, (name, old_hosts)
            assert new_hosts <= {new_base}, (name, new_hosts)
            assert new_paths == old_paths, name
            with_links += bool(new_paths)
        assert with_links >= len(arks) + len(CRATE_TYPES), with_links

        # a download link as served works under the new name
        dataset = next(a for a in arks if "/dataset/download/" in after[f"{a} application/ld+json"])
        document = api.http.get(f"/{dataset}", headers={"Accept": "application/ld+json"}).json()
        assert document["contentUrl"] == f"{new_base}/api/dataset/download/{dataset}"
        download = httpx.get(document["contentUrl"], headers=api.auth("alice"), timeout=60)
        assert download.status_code == 200

        # an ETag issued under the old name names other bytes: no 304 for it
        again = api.http.get(f"/{dataset}", headers={"If-None-Match": old_etag})
        assert again.status_code == 200
        assert again.headers["ETag"] != old_etag
        assert new_base in again.text
        assert old_base not in again.text
        assert (
            api.http.get(
                f"/{dataset}", headers={"If-None-Match": again.headers["ETag"]}
            ).status_code
            == 304
        )
    finally:
        deployment.stop()


@pytest.mark.skipif(backend_name() == "scaleout", reason="`fairdepot serve` embedded, once")
def test_serve_without_a_public_url_links_to_its_own_host_and_port(
    tmp_path, fairscape_crate_dir
) -> None:
    port = free_port()
    env = embedded_env(tmp_path / "data", port)
    del env["FAIRDEPOT_PUBLIC_URL"]
    server = ServerProcess(env, port, tmp_path / "server.log").start()
    try:
        api = Api(server)
        zipped = zip_folder(fresh_copy(fairscape_crate_dir, tmp_path / "c"), tmp_path / "c.zip")
        job = api.ingest(zipped)
        assert job["status"] == "COMPLETE", job
        urls = [
            api.http.get(f"/{a}", headers={"Accept": "application/ld+json"})
            .json()
            .get("contentUrl")
            for a in job["identifiers"]
        ]
        ours = [u for u in urls if isinstance(u, str) and "/download/" in u]
        assert ours
        assert all(u.startswith(f"http://127.0.0.1:{port}/api/") for u in ours), ours
        assert httpx.get(ours[0], headers=api.auth("alice"), timeout=60).status_code == 200
    finally:
        server.stop()
