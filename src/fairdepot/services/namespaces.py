"""The facility's namespaces: set by an operator, read by anyone (gCat's `/namespaces`) and by
the item validation, which sorts extras in their order."""

from __future__ import annotations

import json
from pathlib import Path

from fairdepot.core.errors import InvalidInput
from fairdepot.core.namespaces import Namespace, parse_namespaces
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work


def list_namespaces(runtime: Runtime) -> list[Namespace]:
    with read_only(runtime) as work:
        return work.namespaces.all()


def replace_namespaces(runtime: Runtime, namespaces: list[Namespace]) -> None:
    with unit_of_work(runtime) as work:
        work.namespaces.replace(namespaces)


def load_namespaces_file(runtime: Runtime, path: Path) -> list[Namespace]:
    """Replace the list by a JSON file's (`[{"id", "title", "description"}, ...]`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read namespaces file {path}: {exc}") from exc
    namespaces = parse_namespaces(data)
    replace_namespaces(runtime, namespaces)
    return namespaces
