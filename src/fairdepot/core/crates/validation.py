"""Validation of crate metadata before anything is stored.

FAIRSCAPE crates are checked with fairscape-models' `ROCrateV1_2` (the model the FAIRSCAPE server
and `fairscape-cli rocrate validate` use). Plain crates are checked against the RO-Crate 1.1
rules that matter for cataloguing: a root dataset with name, description and datePublished, and
a name on every contextual entity the crate identifies locally.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pydantic
from fairscape_models.rocrate import ROCrateV1_2

from fairdepot.core.crates.graph import CrateGraph, JsonObject, short_type, type_list
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.metadata.contexts import inline_contexts

DATA_ENTITY_TYPES = {"File", "Dataset", "MediaObject", "SoftwareSourceCode"}


def validate_crate(crate: CrateGraph) -> None:
    # Every context must be one we bundle: we never fetch one, and without it the metadata
    # could not be turned into RDF later. UnknownContext names the URL and where it is.
    inline_contexts({"@context": crate.context})
    problems = _fairscape_problems(crate) if crate.is_fairscape else _plain_problems(crate)
    if problems:
        kind = "FAIRSCAPE (ROCrateV1_2)" if crate.is_fairscape else "RO-Crate 1.1"
        raise InvalidInput(f"the crate metadata is not a valid {kind} crate", problems=problems)


def _plain_problems(crate: CrateGraph) -> list[Problem]:
    problems: list[Problem] = []
    root = crate.root
    where = crate.where(root["@id"])
    if "Dataset" not in {short_type(t) for t in type_list(root)}:
        problems.append(Problem("the root entity must have @type Dataset", where))
    for key in ("name", "description"):
        if not _text(root.get(key)):
            problems.append(Problem(f"missing {key} (required on the root dataset)", where))
    published = root.get("datePublished")
    if not _text(published):
        problems.append(Problem("missing datePublished (required on the root dataset)", where))
    elif not _is_iso_date(str(published)):
        problems.append(Problem(f"datePublished {published!r} is not an ISO 8601 date", where))
    for entity in crate.entities:
        types = {short_type(t) for t in type_list(entity)}
        is_data = bool(types & DATA_ENTITY_TYPES)
        if entity["@id"].startswith("#") and not is_data and not _text(entity.get("name")):
            problems.append(Problem("missing name", crate.where(entity["@id"])))
    return problems


def _fairscape_problems(crate: CrateGraph) -> list[Problem]:
    document = {
        "@context": crate.context,
        "@graph": [crate.descriptor, crate.root, *crate.entities],
    }
    if not _errors(document):
        return []
    # The model validates element by element and its errors do not say which element failed;
    # re-validating each element beside the descriptor and root locates every problem.
    base = [crate.descriptor, crate.root]
    root_errors = _error_keys(_errors({"@context": crate.context, "@graph": base}))
    problems = [_problem(key, crate.where(crate.root["@id"])) for key in root_errors]
    for element in crate.entities:
        errors = _errors({"@context": crate.context, "@graph": [*base, element]})
        for key in _error_keys(errors) - root_errors:
            problems.append(_problem(key, crate.where(element["@id"])))
    return problems or [Problem("rejected by the FAIRSCAPE ROCrateV1_2 model")]


def _errors(document: JsonObject) -> list[Any]:
    try:
        ROCrateV1_2.model_validate(document)
    except pydantic.ValidationError as exc:
        return list(exc.errors(include_url=False))
    except (ValueError, TypeError, KeyError) as exc:  # the model raises plain errors too
        return [{"loc": (), "msg": str(exc) or type(exc).__name__}]
    return []


def _error_keys(errors: list[Any]) -> set[tuple[str, str]]:
    return {(".".join(str(p) for p in e["loc"]) or "@graph", str(e["msg"])) for e in errors}


def _problem(key: tuple[str, str], where: str) -> Problem:
    field, message = key
    return Problem(f"{field}: {message}", where)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_iso_date(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        pass
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return len(value) in (4, 7) and value[:4].isdigit()
