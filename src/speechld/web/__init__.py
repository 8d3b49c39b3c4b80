"""The Flask app factory: dereferenceable URIs, pages for people, the store behind them."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from speechld.web import resources, sparql, store


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A speechld web app; config keys: STORE (location), BASE (URI base or None), SPARQL_*."""
    app = Flask(__name__)
    app.config.update(
        STORE=os.environ.get("SPEECHLD_STORE"),
        BASE=os.environ.get("SPEECHLD_BASE"),
    )
    app.config.update(config or {})
    store.init_app(app)
    app.add_template_filter(store.local, "local")
    app.register_blueprint(resources.bp)
    sparql.init_app(app)
    app.register_blueprint(sparql.bp)
    return app
