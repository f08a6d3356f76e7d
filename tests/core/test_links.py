"""Host-free links: what is stored names no host, and every face renders it with its own URL."""

from __future__ import annotations

import pytest

from fairdepot.core import links

ARK = "ark:59852/dataset-x"


def test_a_download_link_is_stored_without_a_host_on_the_kind_s_route() -> None:
    assert links.download_link("Dataset", ARK) == f"fairdepot:/api/dataset/download/{ARK}"
    assert links.download_link("Software", ARK) == f"fairdepot:/api/software/download/{ARK}"
    assert links.download_link("File", ARK) == f"fairdepot:/api/download/{ARK}"
    with pytest.raises(ValueError, match="absolute path"):
        links.host_free("api/download")


def test_rendering_gives_absolute_links_under_the_base_url_everywhere_in_a_document() -> None:
    stored = {
        "contentUrl": links.download_link("Dataset", ARK),
        "@graph": [{"contentUrl": [links.download_link("File", ARK), "https://else.where/x"]}],
        "size": 3,
    }
    rendered = links.render(stored, "https://data.example.org/depot/")
    assert rendered == {
        "contentUrl": f"https://data.example.org/depot/api/dataset/download/{ARK}",
        "@graph": [
            {
                "contentUrl": [
                    f"https://data.example.org/depot/api/download/{ARK}",
                    "https://else.where/x",
                ]
            }
        ],
        "size": 3,
    }
    assert stored["contentUrl"] == links.download_link("Dataset", ARK)  # not changed in place


def test_links_that_are_not_ours_are_served_as_given() -> None:
    document = {"contentUrl": "http://elsewhere/data.csv", "url": "data/x.csv", "n": [1, None]}
    assert links.render(document, "http://127.0.0.1:9") is document
    assert links.render_link("fairdepot:relative", "http://h") == "fairdepot:relative"


@pytest.mark.parametrize(
    ("link", "ark", "stored"),
    [
        # under the configured URL: ours, whatever it names
        (f"http://127.0.0.1:8000/api/download/{ARK}", None, f"fairdepot:/api/download/{ARK}"),
        ("http://127.0.0.1:8000/api/search", None, "fairdepot:/api/search"),
        # another host: ours only as the download route of the record holding the bytes
        (
            f"http://old-name:8080/api/dataset/download/{ARK}",
            ARK,
            f"fairdepot:/api/dataset/download/{ARK}",
        ),
        (
            "https://proxy.example/depot/api/software/download/ark:59852/datasetx",
            ARK,  # the same ARK: hyphens are insignificant
            "fairdepot:/api/software/download/ark:59852/datasetx",
        ),
        (f"http://old-name:8080/api/dataset/download/{ARK}", None, None),
        (f"http://old-name:8080/api/download/{ARK}2", ARK, None),
        ("http://elsewhere/data.csv", ARK, None),
        ("http://127.0.0.1:80001/api/x", None, None),
    ],
)
def test_old_links_get_their_host_free_form_only_when_they_are_ours(
    link: str, ark: str | None, stored: str | None
) -> None:
    assert links.stored_form(link, "http://127.0.0.1:8000/", ark) == (stored or link)
