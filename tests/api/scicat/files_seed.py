"""Datasets for the origdatablock and attachment tests, written behind the server's back.

The dataset routes are another helper's work; until they land, these tests create datasets
the way those routes will store them: the SciCat crosswalk's `record_of` (a record of face
SciCat whose pid is an identifier of scheme "pid") inserted through the unit of work, into
the deployment's own database (SQLite or PostgreSQL), so the server finds them by pid.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

from fairdepot.config import Settings
from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat import record_of
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.uow import unit_of_work
from tests.support.deployments import Deployment
from tests.support.scicat import PID_PREFIX


def deployment_runtime(deployment: Deployment) -> Iterator[Runtime]:
    """A runtime over the deployment's database and blobs (its settings, read from its env)."""
    with mock.patch.dict(os.environ, deployment.env, clear=False):
        settings = Settings()
    runtime = build_runtime(settings, migrate=False)
    try:
        yield runtime
    finally:
        runtime.close()


def raw_dataset(**fields: Any) -> dict[str, Any]:
    body = {
        "type": "raw",
        "ownerGroup": "group1",
        "accessGroups": ["uu"],
        "owner": "Ponder Stibbons",
        "contactEmail": "ponder@uu.am",
        "sourceFolder": "/data/fileserver/raw",
        "creationTime": "2026-11-22T03:13:06.086Z",
        "creationLocation": "UU",
        "datasetName": f"files test {uuid.uuid4()}",
        "principalInvestigators": ["Ponder Stibbons"],
        "isPublished": False,
    }
    body.update(fields)
    return body


def seed_dataset(runtime: Runtime, **fields: Any) -> str:
    """Store a dataset as POST /api/v4/datasets will; its pid."""
    dataset = validate_dataset(raw_dataset(**fields), ApiVersion.V4)
    dataset["pid"] = f"{PID_PREFIX}/{uuid.uuid4()}"
    ark = str(arks.mint(runtime.settings.naan, runtime.settings.ark_shoulder))
    with unit_of_work(runtime) as work:
        work.records.insert(record_of(dataset, ark=ark, owner_id=None, created_by="seed"))
    return str(dataset["pid"])
