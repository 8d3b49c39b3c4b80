"""What every page and crawler needs: canonical URLs, readable dates, icon, robots, sitemap.

A page's canonical URL is its document's URL under the dataset base without a format
suffix (`/doc/X`, not `/doc/X.html`, and not the thing's URI `/id/X`, which names the thing
and answers 303): the URL that stands for the page's content, whatever its format.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, current_app, request
from markupsafe import Markup

from speechld.formats import HTML
from speechld.web.figures import kinds, statistics
from speechld.web.headers import LICENSED
from speechld.web.resources import SAFE
from speechld.web.store import base
from speechld.web.views import format_date
from speechld.web.void import licence_name, publication

bp = Blueprint("site", __name__)

SITEMAP_LIMIT = 50_000  # URLs one sitemap may list (sitemaps.org)


def canonical_url() -> str:
    """The URL of this page as search engines should know it: under the dataset base,
    without its format suffix, keeping only a page number past the first."""
    path = request.path.removesuffix("." + HTML.suffix)
    page = request.args.get("page", type=int)
    url = base() + quote(path.lstrip("/"), safe=SAFE)
    return url + (f"?page={page}" if page and page > 1 else "")


def licence() -> dict[str, str | bool | None]:
    """The dataset's licence for a page's footer: its URI, its name, whether the page is
    the data it covers (linked as the page's licence), and who publishes it."""
    pub = publication()
    return {
        "uri": pub.license,
        "name": licence_name(pub.license),
        "covers": request.blueprint in LICENSED,
        "publisher": pub.publisher,
        "publisher_url": pub.publisher_url,
    }


def when(value: str | datetime) -> Markup:
    """A date or date-time as a <time> element: readable text, the machine value kept.

    >>> str(when("2026-12-07T00:59:23Z"))
    '<time datetime="2026-12-07T00:59:23Z">7 December 2026, 00:59 UTC</time>'
    >>> str(when("<b>"))
    '&lt;b&gt;'
    """
    if isinstance(value, datetime):
        value = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    shown = format_date(value)
    if shown == value:  # not a date
        return Markup.escape(value)
    return Markup('<time datetime="{}">{}</time>').format(value, shown)


def init_app(app: Flask) -> None:
    """Register the blueprint, the `when` filter and the canonical_url and licence globals."""
    app.register_blueprint(bp)
    app.add_template_filter(when, "when")
    app.add_template_global(canonical_url, "canonical_url")
    app.add_template_global(licence, "licence")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it without being told: the SVG icon."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers welcome, but not to run queries or fetch whole dumps; where the sitemap is."""
    root = request.script_root
    text = (
        "User-agent: *\n"
        f"Allow: {root}/\n"
        f"Disallow: {root}/sparql?\n"
        f"Disallow: {root}/dumps/speechld.\n"
        f"Sitemap: {base()}sitemap.xml\n"
    )
    return Response(text, content_type="text/plain; charset=utf-8")


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """The pages that lead to everything: home, each page of each list, the descriptions."""
    size: int = current_app.config["PAGE_SIZE"]
    root = base()
    data = [root, root + ".well-known/void", root + "dumps/"]  # pages that change with the data
    for kind in kinds():
        for page in range(1, -(-kind.count // size) + 1):
            data.append(f"{root}list/{kind.key}" + (f"?page={page}" if page > 1 else ""))
    modified = statistics().modified
    lastmod = f"<lastmod>{modified.astimezone(UTC):%Y-%m-%d}</lastmod>" if modified else ""
    fixed = [(root + page, "") for page in ("ontology", "shapes", "sparql")]
    urls = [(u, lastmod) for u in data] + fixed
    entries = "".join(
        f"<url><loc>{escape(u)}</loc>{changed}</url>\n" for u, changed in urls[:SITEMAP_LIMIT]
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    return Response(body, content_type="application/xml; charset=utf-8")
