"""Service fixtures: a runtime on an empty catalogue of the backend under test.

In the scale-out pass the database is a fresh PostgreSQL one, so use cases (search scopes,
deletions, job clean-up) are proven on both databases, not only on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fairdepot.config import Settings
from fairdepot.services.runtime import Runtime, build_runtime
from tests.support.databases import fresh_database_url


@pytest.fixture
def runtime(tmp_path) -> Iterator[Runtime]:
    with fresh_database_url(tmp_path, "services", migrated=True) as url:
        # no grace before deleting blobs (as in the test deployments): tests see the outcome
        settings = Settings(
            data_dir=tmp_path / "data", database_url=url, blob_deletion_grace_seconds=0
        )
        runtime = build_runtime(settings)
        yield runtime
        runtime.close()
