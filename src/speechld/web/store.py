"""The app's store: opened once per process, read-only, shared by every request."""

from __future__ import annotations

from flask import Flask, current_app, request

from speechld.store import GraphStore, open_store

KEY = "speechld.store"


def init_app(app: Flask) -> None:
    """Attach a lazily opened store to the app."""
    app.extensions[KEY] = None


def get_store() -> GraphStore:
    """The app's store, opened read-only on first use."""
    ext = current_app.extensions
    if ext[KEY] is None:
        location = current_app.config["STORE"]
        ext[KEY] = (
            location
            if not isinstance(location, str | None)
            else open_store(location, read_only=location != ":memory:")
        )
    store: GraphStore = ext[KEY]
    return store


def base() -> str:
    """The URI base of the dataset: configured, else this server's own address."""
    configured: str | None = current_app.config["BASE"]
    if configured:
        return configured if configured.endswith("/") else configured + "/"
    return request.host_url


def local(uri: str) -> str:
    """A URI as a link on this server: its path if it is under the dataset base."""
    prefix = base()
    return "/" + uri[len(prefix) :] if uri.startswith(prefix) else uri
