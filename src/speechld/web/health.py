"""A health check for load balancers, monitors and service managers: can the data be served?"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify
from pyoxigraph import NamedNode

from speechld import __version__
from speechld.errors import StoreError
from speechld.store.directory import is_store
from speechld.vocab import DATASET
from speechld.web.errors import RETRY_AFTER
from speechld.web.store import base, get_store, last_modified, public, unresponsive

bp = Blueprint("health", __name__)


@bp.route("/health", methods=["GET", "HEAD"])
def health() -> Response:
    """200 with the state of the data served while the store answers a read; 503 saying
    why while it does not. Never cached; no query worker is asked."""
    try:
        store = get_store()
        if (problem := unresponsive()) is not None:
            raise problem
        path = getattr(store, "path", None)
        if isinstance(path, Path) and not is_store(path):  # deleted under a running server
            raise StoreError(f"{path}: the store directory is gone")
        store.triples(NamedNode(base() + DATASET), limit=1)
    except StoreError as error:
        response = jsonify(status="unavailable", reason=public(str(error)))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER)
    else:
        modified = last_modified()
        response = jsonify(
            status="ok",
            store="embedded" if store.in_process else "remote",
            modified=modified.isoformat().replace("+00:00", "Z") if modified else None,
            software=f"speechld {__version__}",
        )
    response.cache_control.no_store = True
    return response
