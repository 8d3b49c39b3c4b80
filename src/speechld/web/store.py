"""The app's store: opened once per process, read-only, shared by every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request

from speechld.errors import SpeechldError, StoreError
from speechld.ingest import stored_base
from speechld.store import GraphStore, open_store
from speechld.vocab import DATASET, ONTOLOGY
from speechld.web.describe import Summaries

KEY = "speechld.store"
CACHE = "speechld.cache"
SUMMARIES = "speechld.summaries"
TTL = 60.0  # seconds a cached figure lives on a store that tells no generation
# After a figure took D seconds to recompute, the next recomputation waits REST * D: under
# a long ingest, whose every publication changes the data, a server spends at most a
# quarter of its time on figures (at a million speeches they take half a minute).
REST = 3.0
PROBE = 5.0  # seconds a store has to answer a trivial query before it is taken to be down

T = TypeVar("T")


class Cache:
    """Figures computed from the data, kept until the store's data changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[str, tuple[object, Any]] = {}
        self.refreshing: set[str] = set()
        self.resting: dict[str, float] = {}  # no recomputation of a figure before then

    def put(self, name: str, version: object, value: object) -> None:
        """Keep a value computed from one version of the data."""
        with self.lock:
            self.values[name] = (version, value)

    def claim(self, name: str) -> bool:
        """Whether the caller is the one to recompute a figure now (none is, or rests)."""
        with self.lock:
            if name in self.refreshing or time.monotonic() < self.resting.get(name, 0.0):
                return False
            self.refreshing.add(name)
            return True

    def done(self, name: str, seconds: float) -> None:
        """A recomputation ended after that long: the next one rests REST times as long."""
        with self.lock:
            self.refreshing.discard(name)
            self.resting[name] = time.monotonic() + REST * seconds


def init_app(app: Flask) -> None:
    """Attach a lazily opened store and a cache of figures to the app."""
    app.extensions[KEY] = None
    app.extensions[CACHE] = Cache()
    app.extensions[SUMMARIES] = Summaries()
    app.extensions[KEY + ".lock"] = threading.Lock()


def get_store() -> GraphStore:
    """The app's store, opened read-only on first use."""
    ext = current_app.extensions
    if ext[KEY] is None:
        with ext[KEY + ".lock"]:
            if ext[KEY] is None:
                location = current_app.config["STORE"]
                ext[KEY] = (
                    location
                    if not isinstance(location, str | None)
                    else open_store(location, read_only=location != ":memory:")
                )
    store: GraphStore = ext[KEY]
    return store


def close_store(app: Flask) -> None:
    """Close the store the app opened itself (not one it was given)."""
    ext = app.extensions
    with ext[KEY + ".lock"]:
        if ext[KEY] is not None and isinstance(app.config["STORE"], str | None):
            ext[KEY].close()
        ext[KEY] = None


def public(message: str) -> str:
    """A message as the public may see it: the store's directory or URLs named only as
    "the data store" (the server's log keeps them)."""
    location = current_app.config["STORE"]
    places = {location} if isinstance(location, str) and location != ":memory:" else set()
    with suppress(SpeechldError):  # a store that cannot be opened is named as configured
        places.update(get_store().places)
    for place in sorted(places, key=len, reverse=True):
        message = message.replace(place, "the data store")
    return message


def generation() -> float | None:
    """When the data served was committed (a time stamp), if the store tells it."""
    stamp = getattr(get_store(), "generation", None)
    return float(stamp) if isinstance(stamp, int | float) and stamp > 0 else None


def unresponsive() -> StoreError | None:
    """Why the store does not answer a trivial query within PROBE seconds, if it does not
    (a store that cannot be asked, the embedded one, is taken to answer)."""
    ping = getattr(get_store(), "ping", None)
    if ping is None:
        return None
    try:
        ping(PROBE)
    except StoreError as error:
        return error
    return None


def last_modified() -> datetime | None:
    """The Last-Modified of everything derived from the data."""
    stamp = generation()
    return datetime.fromtimestamp(int(stamp), UTC) if stamp is not None else None


def version() -> object:
    """What names the data's current state: its generation, else the current TTL period."""
    stamp = generation()
    return stamp if stamp is not None else int(time.monotonic() // TTL)


def summaries() -> Summaries:
    """The app's cache of resource summaries."""
    found: Summaries = current_app.extensions[SUMMARIES]
    return found


def cached(name: str, compute: Callable[[], T]) -> T:
    """A figure computed from the data, recomputed when the data changes.

    Once computed, a figure is never waited for again: after a change the old one is
    answered while a background thread computes the new one (compute must not need
    the request, only the app), at most one at a time and resting between (see REST).
    """
    cache: Cache = current_app.extensions[CACHE]
    now = version()
    hit = cache.values.get(name)
    if hit is None:
        value = compute()
        cache.put(name, now, value)
        return value
    if hit[0] != now and cache.claim(name):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(target=_refresh, args=(app, name, now, compute), daemon=True).start()
    stale: T = hit[1]
    return stale


def _refresh(app: Flask, name: str, version: object, compute: Callable[[], object]) -> None:
    cache: Cache = app.extensions[CACHE]
    started = time.monotonic()
    with app.app_context():
        try:
            cache.put(name, version, compute())
        except Exception:
            app.logger.exception("could not recompute %s", name)
        finally:
            cache.done(name, time.monotonic() - started)


def base() -> str:
    """The URI base of the dataset: configured, else the store's own, else this server's."""
    configured: str | None = current_app.config["BASE"]
    if configured:
        return configured if configured.endswith("/") else configured + "/"
    store = get_store()
    found = cached("base", lambda: stored_base(store))
    if found:
        return found
    return request.host_url if has_request_context() else "http://localhost/"


def dataset_uri() -> str:
    """The dataset's URI, which its VoID describes."""
    return base() + DATASET


def local(uri: str) -> str:
    """A URI as a link on this server: its path if it is under the dataset base (or is
    a term of the ontology, which every deployment serves at /ontology)."""
    prefix = base()
    if uri.startswith(prefix) and not uri[len(prefix) :].startswith("/"):
        # (a path starting //, from an IRI `{base}/host/x`, would be a link to that host)
        return request.script_root + "/" + uri[len(prefix) :]
    if uri.startswith(ONTOLOGY) and uri[len(ONTOLOGY) : len(ONTOLOGY) + 1] in {"", "#"}:
        return request.script_root + "/ontology" + uri[len(ONTOLOGY) :]
    return uri
