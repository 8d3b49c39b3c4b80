"""Every internal link of the HTML pages answers: a crawl from the home page."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

from flask.testing import FlaskClient

MAX_PAGES = 1000  # the crawl's bound: the test data's site has about 400 pages
HREF = re.compile(r'href="([^"]*)"')


def internal_links(page: str) -> list[str]:
    """The local paths a page links to, without fragments.

    >>> internal_links('<a href="/a#x">a</a> <a href="https://b/">b</a> <a href="/c?d=1&amp;e=2">')
    ['/a', '/c?d=1&e=2']
    """
    found = (urldefrag(href.replace("&amp;", "&"))[0] for href in HREF.findall(page))
    return [href for href in found if href.startswith("/") and not href.startswith("//")]


def runs_a_query(path: str) -> bool:
    """Whether a link asks the SPARQL endpoint to run a query (examples on its page)."""
    return urlsplit(path).path.startswith("/sparql") and "query=" in path


def visit(client: FlaskClient, path: str) -> tuple[int, list[str]]:
    """A page's status and, for HTML, its internal links; every response closed."""
    with client.get(path, headers={"Accept": "text/html"}) as response:
        html = response.status_code < 400 and response.mimetype == "text/html"
        return response.status_code, internal_links(response.get_data(as_text=True)) if html else []


def test_no_internal_link_is_broken(client: FlaskClient) -> None:
    seen, queue, broken = {"/"}, ["/"], []
    while queue and len(seen) <= MAX_PAGES:
        path = queue.pop(0)
        status, links = visit(client, path)
        if status >= 400:
            broken.append(f"{path}: {status}")
        for link in links:
            if link not in seen and not runs_a_query(link):
                seen.add(link)
                queue.append(link)
    assert not broken, broken
    assert not queue, f"more than {MAX_PAGES} pages: raise the bound"
    assert any(path.startswith("/graph/") for path in seen)
    assert any(path.startswith("/id/speech/") for path in seen)
