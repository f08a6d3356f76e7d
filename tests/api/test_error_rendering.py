"""Every face's error renderer sends a message that echoes user text, whatever it holds.

A lone surrogate (JSON's `"\\ud800"`) has no UTF-8 form; input holding one is refused where it
is parsed, but an error message quoting text from anywhere else must not fail while it is
rendered (that turned a 400 into a bare 500 or a dropped connection): what cannot be encoded
goes out as its visible escape.
"""

from __future__ import annotations

import json

import pytest
from starlette.requests import Request

from fairdepot.api.common.errors import problem_response
from fairdepot.api.fairscape.errors import fairscape_error
from fairdepot.api.scicat.errors import scicat_error, scicat_error_response
from fairdepot.core.errors import InvalidInput, NotFound, Problem

LONE = "\ud800"


def _request() -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    )


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(t for v in value.values() for t in _texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("mapper", [scicat_error, fairscape_error], ids=["scicat", "fairscape"])
@pytest.mark.parametrize(
    "error",
    [
        InvalidInput(f"property {LONE} should not exist", problems=[Problem("no", f"a.{LONE}")]),
        NotFound(f"dataset: x{LONE}y not found"),
    ],
    ids=["400", "404"],
)
def test_an_error_echoing_a_lone_surrogate_renders_as_its_escape(mapper, error) -> None:
    response = mapper(_request(), error)
    text = bytes(response.body).decode("utf-8")  # valid UTF-8: it can be sent
    assert "\\\\ud800" in text  # the six characters \ud800, escaped inside a JSON string
    assert any("\\ud800" in item for item in _texts(json.loads(text)))
    assert response.status_code in (400, 404)


def test_each_renderer_keeps_well_formed_text_as_it_is() -> None:
    text = "é \\u and \U0001f600"
    assert json.loads(scicat_error_response(400, [text]).body)["message"] == [text]
    assert json.loads(problem_response(400, "Bad Request", text).body)["detail"] == text
