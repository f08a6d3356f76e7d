"""Hostile profile bodies are refused at once: no file read, no expansion, no fetch, no hang."""

from __future__ import annotations

import time

import pytest

from fairdepot.core.errors import InvalidInput, TooLarge
from fairdepot.core.profiles import MAX_PROFILE_BYTES, parse_profile
from tests.support.timing import NOT_A_HANG

FIELD = "<metadatafield><fieldName>f</fieldName><dataType>String</dataType></metadatafield>"

XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE metadataformat [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f'<metadataformat type="&secret;">{FIELD}</metadataformat>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + f']><metadataformat type="&lol9;">{FIELD}</metadataformat>'
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE metadataformat SYSTEM "http://127.0.0.1:9/profile.dtd">'
    f'<metadataformat type="T">{FIELD}</metadataformat>'
)
PARAMETER_ENTITY = (
    '<!DOCTYPE m [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>'
    f'<metadataformat type="T">{FIELD}</metadataformat>'
)


@pytest.mark.parametrize(
    "body",
    [XXE_FILE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["xxe-file", "billion-laughs", "external-dtd", "parameter-entity"],
)
def test_a_doctype_is_refused_quickly_without_reading_anything(body: str) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        parse_profile(body.encode())
    assert time.monotonic() - started < NOT_A_HANG
    assert "DOCTYPE" in refused.value.message
    assert "root:" not in str(refused.value)


def test_a_body_over_the_limit_is_too_large_before_parsing() -> None:
    started = time.monotonic()
    with pytest.raises(TooLarge):
        parse_profile(b"<" * (50 * 1024 * 1024))
    assert time.monotonic() - started < NOT_A_HANG


def test_a_body_at_the_limit_is_read() -> None:
    head = f'<metadataformat type="T">{FIELD}'.encode()
    tail = b"</metadataformat>"
    body = head + b" " * (MAX_PROFILE_BYTES - len(head) - len(tail)) + tail
    assert len(body) == MAX_PROFILE_BYTES
    assert parse_profile(body).type == "T"


def test_deep_nesting_is_refused_before_the_schema_walks_it() -> None:
    depth = 100_000
    body = f'<metadataformat type="T">{"<a>" * depth}{"</a>" * depth}</metadataformat>'
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        parse_profile(body.encode())
    assert "deeper than" in refused.value.message
    assert time.monotonic() - started < NOT_A_HANG


def test_many_fields_within_the_limit_are_checked_quickly() -> None:
    fields = FIELD * 10_000
    body = f'<metadataformat type="T">{fields}<bogus/></metadataformat>'.encode()
    assert len(body) < MAX_PROFILE_BYTES
    started = time.monotonic()
    with pytest.raises(InvalidInput):
        parse_profile(body)
    assert time.monotonic() - started < NOT_A_HANG


def test_at_most_twenty_schema_violations_are_reported() -> None:
    bad = "<metadatafield><fieldName>f</fieldName><dataType>Date</dataType></metadatafield>"
    with pytest.raises(InvalidInput) as refused:
        parse_profile(f'<metadataformat type="T">{bad * 500}</metadataformat>'.encode())
    assert len(refused.value.problems) == 20
    assert refused.value.problems[0].location == "/metadataformat/metadatafield[1]/dataType"


@pytest.mark.parametrize("encoding", ["zlib", "base64", "rot13", "no-such-encoding"])
def test_a_declared_encoding_that_is_no_text_encoding_is_refused(encoding: str) -> None:
    body = f'<?xml version="1.0" encoding="{encoding}"?><metadataformat type="T">{FIELD}'
    with pytest.raises(InvalidInput) as refused:
        parse_profile((body + "</metadataformat>").encode())
    assert encoding in refused.value.message


def test_bytes_that_are_not_of_the_declared_encoding_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_profile(f'<metadataformat type="\xff">{FIELD}</metadataformat>'.encode("latin-1"))
    assert "utf-8" in refused.value.message
