"""The Flask app factory: dereferenceable URIs, pages for people, the store behind them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Request
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import RequestRedirect

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from speechld.web import (
    dumps,
    errors,
    graphs,
    headers,
    health,
    ontology,
    pages,
    resources,
    site,
    sparql,
    store,
    views,
    void,
)

DEFAULTS: dict[str, Any] = {
    "PAGE_SIZE": 100,  # inverse links per document page, things per list page
    "GRAPH_PAGE_SIZE": 1000,  # triples per page of a named graph
    "MAX_AGE": 300,  # seconds a client or cache may reuse a response without asking again
    "LICENSE": "https://creativecommons.org/licenses/by/4.0/",
    "PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* headers are trusted
    "WORKERS": 1,  # server processes serving the app, each with SPARQL_MAX_CONCURRENT queries
}


class App(Flask):
    """Flask, its own redirects (a slash added or merged) relative: built from the Host
    header, absolute ones would lead wherever a client said it had asked."""

    def raise_routing_exception(self, request: Request) -> NoReturn:
        """Raise the request's routing exception, a redirect's target as a path."""
        error = request.routing_exception
        if isinstance(error, RequestRedirect):
            target = urlsplit(error.new_url)
            error.new_url = urlunsplit(("", "", target.path, target.query, ""))
        super().raise_routing_exception(request)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A speechld web app.

    Config keys: STORE (location or a store), BASE (URI base or None), DUMP_CACHE (where
    dump files are kept, if not the default: see web/dumps.py), PAGE_SIZE,
    GRAPH_PAGE_SIZE, MAX_AGE, LICENSE (the dataset's licence URI), PUBLISHER, PUBLISHER_URL
    and CONTACT (who publishes it, its home page, whom to ask), PROXIES, WORKERS, THREADS
    (of each worker process, if any: one is left free of queries), SPARQL_* (see
    web/sparql.py).
    """
    app = App(__name__)
    app.config.update(DEFAULTS)
    app.config.update(
        STORE=os.environ.get("SPEECHLD_STORE"),
        BASE=os.environ.get("SPEECHLD_BASE"),
        DUMP_CACHE=os.environ.get("SPEECHLD_DUMP_CACHE"),
    )
    app.config.update(config or {})
    store.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    app.add_template_filter(store.local, "local")
    app.add_template_filter(safe_href, "href")
    app.add_template_filter(views.language_name, "language")
    app.add_template_global(store.base, "dataset_base")
    for blueprint in (pages.bp, resources.bp, graphs.bp, ontology.bp, void.bp, dumps.bp, health.bp):
        app.register_blueprint(blueprint)
    site.init_app(app)
    sparql.init_app(app)
    app.register_blueprint(sparql.bp)
    if app.config["PROXIES"]:
        n = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            forwarded_checked(app.wsgi_app), x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n
        )
    return app


# What forwarded headers may make of a request: a scheme, a host (and port), a path prefix.
_SCHEME = re.compile(r"https?", re.IGNORECASE)
_HOST = re.compile(r"(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_PREFIX = re.compile(r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*/?")


def forwarded_checked(wsgi_app: WSGIApplication) -> WSGIApplication:
    """The app behind a check of what the proxy headers made of the request: a scheme other
    than http(s), a host that is not one, or a prefix that is not a plain path (`//evil`,
    which would make every link and redirect lead to another site) is 400."""

    def checked(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST", "")
        prefix = environ.get("SCRIPT_NAME", "")
        if not (
            _SCHEME.fullmatch(scheme)
            and (not host or _HOST.fullmatch(host))
            and _PREFIX.fullmatch(prefix)
        ):
            refused = BadRequest("The forwarded scheme, host or path prefix is not valid.")
            return refused(environ, start_response)
        return wsgi_app(environ, start_response)

    return checked


def safe_href(uri: str) -> str | None:
    """A URI fit for a link: local path under the base, http(s) as is, anything else None.

    A `javascript:` or `data:` IRI in the data never becomes a link.
    """
    local = store.local(uri)
    if local.startswith("/") or local.startswith(("http://", "https://")):
        return local
    return None
