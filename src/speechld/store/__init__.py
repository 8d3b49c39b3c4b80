"""Graph stores: one interface, an embedded on-disk store and a remote SPARQL 1.1 store."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

from speechld.errors import StoreError
from speechld.store.base import GraphStore, SourceGraph, dataset_base
from speechld.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from speechld.store.remote import RemoteSettings, RemoteStore

__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "RemoteSettings",
    "RemoteStore",
    "SourceGraph",
    "check_location",
    "dataset_base",
    "default_location",
    "is_remote",
    "open_store",
]


def __getattr__(name: str) -> Any:
    """The remote store's classes, imported (with requests) only by who uses them."""
    if name in ("RemoteSettings", "RemoteStore"):
        from speechld.store import remote

        return getattr(remote, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_location() -> str:
    """The store location: SPEECHLD_STORE, else the per-user data directory."""
    return os.environ.get("SPEECHLD_STORE") or str(Path(user_data_dir("speechld")) / "store")


# A URL's scheme (RFC 3986), and what an http(s) URL with its colon or a slash missing looks like.
_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_MISTYPED_URL = re.compile(r"https?(:/?(?!/)|//)", re.IGNORECASE)


def is_remote(location: str) -> bool:
    """Whether a store location is the URL of a SPARQL endpoint (the scheme in any case).

    >>> is_remote("https://example.org/sparql"), is_remote("HTTP://x/sparql"), is_remote("store")
    (True, True, False)
    """
    return location.lower().startswith(("http://", "https://"))


def check_location(location: str) -> None:
    """Refuse a location that is neither an http(s) URL nor a plausible directory path.

    >>> check_location("ftp://example.org/sparql")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    speechld.errors.StoreError: ftp://example.org/sparql: not a store location: ...
    """
    if is_remote(location):  # its parts are checked as the remote store opens
        return
    if _URL.match(location) or _MISTYPED_URL.match(location):
        raise StoreError(
            f"{location}: not a store location: a remote store is an http:// or https:// URL, "
            "an embedded store a directory path"
            + ("" if _URL.match(location) else f" (for a directory of this name: ./{location})")
        )


def open_store(
    location: str | None = None,
    *,
    read_only: bool = False,
    update_url: str | None = None,
    graph_store_url: str | None = None,
) -> GraphStore:
    """The store at a location: a directory (embedded), ':memory:' or a SPARQL endpoint URL.

    For an endpoint, the update and Graph Store URLs default to SPEECHLD_UPDATE_URL and
    SPEECHLD_GRAPH_STORE_URL, credentials come from SPEECHLD_STORE_USER/_PASSWORD/_AUTH.
    """
    location = location or default_location()
    if is_remote(location.strip()):  # pasted with a space: a URL still, not a directory
        location = location.strip()
    if location == ":memory:":
        return EmbeddedStore(None)
    check_location(location)
    if is_remote(location):
        from speechld.store.remote import RemoteSettings, RemoteStore

        settings = RemoteSettings.from_env(location, update_url, graph_store_url)
        return RemoteStore(settings, read_only=read_only)
    return EmbeddedStore(Path(location), read_only=read_only)
