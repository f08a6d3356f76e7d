"""Links to this server are stored without a host and rendered when a representation is served.

What the catalogue writes into stored metadata (the `contentUrl` of bytes we hold) is a
*host-free link*: the `fairdepot:` scheme followed by the path the face serves it under,
`fairdepot:/api/dataset/download/ark:59852/x`. Every face turns it into an absolute URL with
the serving process's public base URL (`render`), so a host rename, a restore under another
name, or a worker that knows no public URL at all leaves no link wrong.

Why a scheme of our own and not a relative reference (`/api/...`): a crate may carry relative
references of its own, and a marker nobody else writes can be rendered wherever it appears in
a document without guessing which strings are ours. Anything else, external `http(s)://` links
included, is served as given.
"""

from __future__ import annotations

import re
from typing import Any

from fairdepot.core import ark as arks

SCHEME = "fairdepot:"
_DOWNLOAD_ROUTE = {"Dataset": "dataset/download", "Software": "software/download"}
DOWNLOAD_ROUTES = ("dataset/download", "software/download", "download")


def host_free(path: str) -> str:
    """The stored form of a link to `path` (absolute, starting with `/`) on this server."""
    if not path.startswith("/"):
        raise ValueError(f"a host-free link needs an absolute path, not {path!r}")
    return SCHEME + path


def download_link(kind: str, ark: str) -> str:
    """The stored download link of a record's bytes: the FAIRSCAPE route for its kind
    (the reference server's `contentUrl` shapes), without a host."""
    return host_free(f"/api/{_DOWNLOAD_ROUTE.get(kind, 'download')}/{ark}")


def is_host_free(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SCHEME + "/")


def render_link(value: str, base_url: str) -> str:
    """One link as a client sees it: host-free links get `base_url`; others stay as given."""
    if is_host_free(value):
        return base_url.rstrip("/") + value[len(SCHEME) :]
    return value


def render(document: Any, base_url: str) -> Any:
    """A copy of a JSON document with every host-free link rendered (the input is not changed;
    parts without one are shared, not copied)."""
    if isinstance(document, str):
        return render_link(document, base_url)
    if isinstance(document, dict):
        rendered = {key: render(value, base_url) for key, value in document.items()}
        unchanged = all(rendered[k] is v for k, v in document.items())
        return document if unchanged else rendered
    if isinstance(document, list):
        items = [render(value, base_url) for value in document]
        unchanged = all(a is b for a, b in zip(items, document, strict=True))
        return document if unchanged else items
    return document


def stored_form(link: str, base_url: str, ark: str | None = None) -> str:
    """The host-free form of a link we once stored with a host, for migrating old records.

    A link under `base_url` (the configured or default public URL) is ours whatever it names.
    A link on another host is ours only if it is the download route of `ark` itself, the
    record that holds the bytes (`ark` is given only for such records); any other link is
    someone else's and is kept as given.
    """
    base = base_url.rstrip("/")
    if link.startswith(base + "/"):
        return host_free(link[len(base) :])
    if ark is not None:
        found = _DOWNLOAD_LINK.match(link)
        if found and _same_ark(found.group("ark"), ark):
            return host_free(found.group("path"))
    return link


_DOWNLOAD_LINK = re.compile(
    r"^https?://[^/?#]+(?:/[^?#]*?)?(?P<path>/api/(?:"
    + "|".join(re.escape(r) for r in DOWNLOAD_ROUTES)
    + r")/(?P<ark>ark:[^?#]+))$"
)


def _same_ark(a: str, b: str) -> bool:
    try:
        return arks.normalise(a) == arks.normalise(b)
    except arks.InvalidArk:
        return False
