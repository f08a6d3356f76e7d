"""Looking into a running server's blob store from a test, whichever backend it uses."""

from __future__ import annotations

from tests.support.server import ServerProcess


def blob_keys(server: ServerProcess) -> list[str]:
    from fairdepot.config import Settings
    from fairdepot.storage.blobs.factory import S3Options, open_blob_store

    env = server.env
    settings = Settings(
        data_dir=env["FAIRDEPOT_DATA_DIR"],
        storage_url=env.get("FAIRDEPOT_STORAGE_URL", ""),
        s3_endpoint_url=env.get("FAIRDEPOT_S3_ENDPOINT_URL"),
        s3_access_key_id=env.get("FAIRDEPOT_S3_ACCESS_KEY_ID"),
        s3_secret_access_key=env.get("FAIRDEPOT_S3_SECRET_ACCESS_KEY"),
        s3_region=env.get("FAIRDEPOT_S3_REGION"),
    )
    store = open_blob_store(
        settings.storage_url,
        data_dir=settings.data_dir,
        s3_options=S3Options(
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        ),
    )
    try:
        return list(store.list_keys(""))
    finally:
        store.close()
