"""The guards of the SPARQL endpoint: their defaults, and reading them from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from speechld.errors import SpeechldError

MEMORY_MIN = 256  # MiB: a query worker opening the store takes most of 192
TRUNCATED = "X-SPARQL-MaxRows"  # response header of a cut result (as Virtuoso names it)


def _default_workers() -> int:
    return max(2, min(4, os.cpu_count() or 2))


@dataclass(frozen=True)
class Limits:
    """How much one query, and all queries together, may take.

    0 switches the time, row and size guards off; 0 concurrent queries means 2 to 4 by CPUs.
    """

    timeout: float = 30.0  # seconds a query may run before its worker is stopped
    max_rows: int = 10_000  # rows (or triples) in one result
    max_concurrent: int = 0  # queries running at once (worker processes)
    queue_wait: float = 5.0  # seconds a query may wait for a free worker
    max_query_bytes: int = 131_072  # size of a request's query text and parameters
    service_allow: tuple[str, ...] = ()  # SERVICE endpoints a query may call
    memory: int = 2048  # MiB of heap a query worker may take (a few kB of query can ask GBs)

    @property
    def workers(self) -> int:
        """The number of query worker processes."""
        return self.max_concurrent or _default_workers()


# Environment variable of each limit; `serve` options with the same meaning override them.
ENV = {
    "timeout": "SPEECHLD_QUERY_TIMEOUT",
    "max_rows": "SPEECHLD_MAX_ROWS",
    "max_concurrent": "SPEECHLD_MAX_CONCURRENT_QUERIES",
    "queue_wait": "SPEECHLD_QUERY_QUEUE_WAIT",
    "max_query_bytes": "SPEECHLD_MAX_QUERY_BYTES",
    "service_allow": "SPEECHLD_SERVICE_ALLOW",
    "memory": "SPEECHLD_QUERY_MEMORY",
}


def limits(settings: Mapping[str, object]) -> Limits:
    """Limits from settings by field name, else the environment, else the defaults.

    >>> limits({"max_rows": "5", "service_allow": "http://a/sparql http://b/"}).service_allow
    ('http://a/sparql', 'http://b/')
    """
    values: dict[str, object] = {}
    for spec in fields(Limits):
        raw = settings.get(spec.name)
        if raw is None:
            raw = os.environ.get(ENV[spec.name]) or None  # empty: unset, as for every option
        if raw is None:
            continue
        values[spec.name] = _convert(spec.name, raw)
    return Limits(**values)  # type: ignore[arg-type]


def _convert(name: str, raw: object) -> object:
    default = getattr(Limits, name)
    if isinstance(default, tuple):
        items = raw.split() if isinstance(raw, str) else list(raw)  # type: ignore[call-overload]
        return tuple(str(item) for item in items)
    try:
        value = type(default)(raw)
    except (TypeError, ValueError) as error:
        raise SpeechldError(f"{ENV[name]} / {name}: not a number: {raw!r}") from error
    if value < 0:
        raise SpeechldError(f"{ENV[name]} / {name}: must not be negative: {raw!r}")
    if name == "memory" and 0 < value < MEMORY_MIN:  # the worker could not even open the store
        raise SpeechldError(f"{ENV[name]} / {name}: at least {MEMORY_MIN} (MiB), or 0: {raw!r}")
    return value
