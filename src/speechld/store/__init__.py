"""Graph stores: one interface, an embedded on-disk store and a remote SPARQL 1.1 store."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from speechld.store.base import GraphStore, SourceGraph
from speechld.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphStore", "SourceGraph", "default_location", "open_store"]


def default_location() -> str:
    """The store location: SPEECHLD_STORE, else the per-user data directory."""
    return os.environ.get("SPEECHLD_STORE") or str(Path(user_data_dir("speechld")) / "store")


def open_store(location: str | None = None, *, read_only: bool = False) -> GraphStore:
    """The store at a location: a directory path (embedded) or ':memory:'."""
    location = location or default_location()
    if location == ":memory:":
        return EmbeddedStore(None)
    return EmbeddedStore(Path(location), read_only=read_only)
