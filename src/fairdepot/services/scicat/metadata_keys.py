"""`GET /datasets/metadataKeys` (v3, v4, v4 `/public`) and `GET /samples/metadataKeys`: the
keys of the scientific metadata (a sample's characteristics) of the records a search finds.

As on the backend, the search picks records first (datasets: fullquery's `fields` and
`limits`, 100 by default; samples: `limits` only) and the keys are those of that page; the
search form's `metadataKey` keeps the keys containing it. The read scope is the caller's
(anonymous: published only; the backend's samples route reads every sample). The keys come
from the value index in one grouped statement (storage/db/query.py `document_paths`), never
from the documents; core/crosswalks/scicat_metadata_keys.py names them as the backend does.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.crosswalks.scicat_metadata_keys import (
    DATASET_HIDDEN,
    SAMPLE_HIDDEN,
    metadata_keys,
)
from fairdepot.core.crosswalks.scicat_objects import SAMPLE
from fairdepot.core.policy import Actor, read_scope
from fairdepot.core.query import InvalidQuery
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.filters import json_parameter
from fairdepot.services.scicat.fullquery import full_query
from fairdepot.services.scicat.objects import object_query, page_query
from fairdepot.services.scicat.reverse import one_catalogue

DATASET_PREFIX = "native.scientificMetadata."
SAMPLE_PREFIX = "native.sampleCharacteristics."


def dataset_keys(runtime: Runtime, actor: Actor, fields: object, limits: object) -> list[str]:
    """The keys of the scientific metadata of the datasets `fullquery` would return."""
    form, wanted = _without_metadata_key(fields)
    query = one_catalogue(full_query(form, limits).query).query
    with runtime.reading() as store:
        paths = store.document_paths(query, read_scope(actor), DATASET_PREFIX)
    return metadata_keys(paths, DATASET_HIDDEN, wanted)


def sample_keys(runtime: Runtime, actor: Actor, fields: object, limits: object) -> list[str]:
    """The keys of the characteristics of a page (`limits`) of the samples the actor reads."""
    _, wanted = _without_metadata_key(fields)
    spec = json_parameter(limits, "limits")
    query = page_query(SAMPLE, object_query(SAMPLE, None if spec is None else {"limits": spec}))
    with runtime.reading() as store:
        paths = store.document_paths(query, read_scope(actor), SAMPLE_PREFIX)
    return metadata_keys(paths, SAMPLE_HIDDEN, wanted)


def _without_metadata_key(fields: object) -> tuple[dict[str, Any] | None, str | None]:
    """The search form without its `metadataKey` (a filter on the keys, not the records)."""
    form = json_parameter(fields, "fields")
    if form is None:
        return None, None
    if not isinstance(form, dict):
        raise InvalidQuery("fields is a JSON object", "fields")
    form = dict(form)
    wanted = form.pop("metadataKey", None)
    if wanted is not None and not isinstance(wanted, str):
        raise InvalidQuery("metadataKey is a string", "fields.metadataKey")
    return form, wanted or None
