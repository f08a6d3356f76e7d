"""Looking into a running deployment's blob store from a test, whichever backend it uses."""

from __future__ import annotations

import os
from unittest import mock


def blob_keys(server) -> list[str]:
    """Every key in the store the deployment's settings (its environment) name."""
    from fairdepot.config import Settings
    from fairdepot.services.runtime import blob_store_for

    with mock.patch.dict(
        os.environ, {k: v for k, v in server.env.items() if k.startswith(("FAIRDEPOT_", "AWS_"))}
    ):
        store = blob_store_for(Settings())
    try:
        return list(store.list_keys(""))
    finally:
        store.close()


def delete_blob(server, key: str) -> None:
    """Remove one blob behind the deployment's back (to test what a missing blob does)."""
    from fairdepot.config import Settings
    from fairdepot.services.runtime import blob_store_for

    with mock.patch.dict(
        os.environ, {k: v for k, v in server.env.items() if k.startswith(("FAIRDEPOT_", "AWS_"))}
    ):
        store = blob_store_for(Settings())
    try:
        store.delete(key)
    finally:
        store.close()


def blob_sizes(server) -> dict[str, int]:
    """Every key in the deployment's store with its size in bytes."""
    from fairdepot.config import Settings
    from fairdepot.services.runtime import blob_store_for

    with mock.patch.dict(
        os.environ, {k: v for k, v in server.env.items() if k.startswith(("FAIRDEPOT_", "AWS_"))}
    ):
        store = blob_store_for(Settings())
    try:
        return {entry.key: entry.size for entry in store.list_blobs("")}
    finally:
        store.close()
