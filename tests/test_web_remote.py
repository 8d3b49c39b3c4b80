"""Serving a remote store: the validators it can give."""

from __future__ import annotations

from speechld.ingest import ingest
from speechld.store import RemoteStore
from speechld.web import create_app

from .paths import SEED
from .virtuoso import Virtuoso
from .webdata import BASE, local_path, seed_speech


def test_a_remote_store_gives_no_last_modified_but_etags(virtuoso: Virtuoso) -> None:
    virtuoso.clear()
    store = RemoteStore(virtuoso.settings)
    try:
        ingest(store, [SEED], BASE)
        client = create_app({"STORE": store, "BASE": BASE}).test_client()
        path = local_path(seed_speech(store)).replace("/id/", "/doc/", 1)
        first = client.get(path, headers={"Accept": "text/turtle"})
        assert first.status_code == 200
        assert "Last-Modified" not in first.headers  # not the time of the request
        tag = first.headers["ETag"]
        again = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": tag})
        assert again.status_code == 304
    finally:
        store.close()
        virtuoso.clear()
