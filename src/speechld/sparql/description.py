"""The SPARQL 1.1 Service Description of the endpoint: what it speaks, returns and allows."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from speechld.formats import Format
from speechld.sparql.limits import TRUNCATED, Limits

SD = "http://www.w3.org/ns/sparql-service-description#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD_PREFIXES = {"sd": SD, "rdfs": RDFS, "formats": "http://www.w3.org/ns/formats/"}
UNION = (
    "Every source page's triples are in a named graph of their own; without FROM or "
    "default-graph-uri, the default graph is the union of all named graphs."
)
REMOTE = (
    "Every source page's triples are in a named graph of their own; without FROM or "
    "default-graph-uri, the default graph is the one the store behind this endpoint "
    "chooses (for Virtuoso, the union of all its graphs, its own system graphs included), "
    "and DESCRIBE and functions such as BNODE() behave as that store implements them."
)


def service_description(
    endpoint: str,
    limit: Limits,
    formats: Iterable[Format],
    processes: int = 1,
    union: bool = True,
) -> list[Triple]:
    """The description of the endpoint at a URL, with its limits and result formats.

    `processes` is the number of server processes, each running `limit.workers` queries;
    `union` whether the default graph is the union of the named graphs (the embedded
    store's), not whatever a remote store makes it.

    >>> from speechld.formats import RESULT_FORMATS
    >>> triples = service_description("http://x/sparql", Limits(), RESULT_FORMATS)
    >>> any(t.object == NamedNode(SD + "UnionDefaultGraph") for t in triples)
    True
    >>> triples == service_description("http://x/sparql", Limits(), RESULT_FORMATS)
    True
    >>> remote = service_description("http://x/sparql", Limits(), RESULT_FORMATS, union=False)
    >>> any(t.object == NamedNode(SD + "UnionDefaultGraph") for t in remote)
    False
    """
    # Named nodes, not blank nodes: the same description serialises to the same bytes (ETag).
    service = NamedNode(endpoint + "#service")
    dataset, graph = NamedNode(endpoint + "#dataset"), NamedNode(endpoint + "#default-graph")
    features = (["UnionDefaultGraph"] if union else []) + (
        ["BasicFederatedQuery"] if limit.service_allow else []
    )
    iris = [f.iri for f in formats if f.iri]
    limits = limits_text(limit, processes)

    def sd(name: str) -> NamedNode:
        return NamedNode(SD + name)

    return [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        *(Triple(service, sd("feature"), sd(feature)) for feature in features),
        *(Triple(service, sd("resultFormat"), NamedNode(iri)) for iri in iris),
        Triple(
            service,
            sd("defaultEntailmentRegime"),
            NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), graph),
        Triple(graph, RDF_TYPE, sd("Graph")),
        Triple(service, NamedNode(RDFS + "label"), Literal("speechld SPARQL endpoint")),
        Triple(service, NamedNode(RDFS + "comment"), Literal(limits, language="en")),
        Triple(
            dataset, NamedNode(RDFS + "comment"), Literal(UNION if union else REMOTE, language="en")
        ),
    ]


def limits_text(limit: Limits, processes: int = 1) -> str:
    """The endpoint's limits, in words, for a server of that many processes.

    >>> limits_text(Limits(timeout=0, max_concurrent=2)).split("; ")[:1]
    ['no time limit']
    """
    parts = [
        f"a query may run {limit.timeout:g} s" if limit.timeout else "no time limit",
        f"a result holds at most {limit.max_rows} rows "
        f"(a cut result carries the {TRUNCATED} header)"
        if limit.max_rows
        else "no row limit",
        concurrency_text(limit.workers, processes),
        f"a query may be {limit.max_query_bytes} bytes long"
        if limit.max_query_bytes
        else "no size limit",
        "SERVICE may call: " + ", ".join(limit.service_allow)
        if limit.service_allow
        else "SERVICE is not allowed",
        "updates are not accepted",
    ]
    return "; ".join(parts) + "."


def concurrency_text(workers: int, processes: int) -> str:
    """How many queries the server runs at once: its processes' query workers together.

    >>> concurrency_text(1, 1), concurrency_text(2, 1)
    ('1 query runs at once', '2 queries run at once')
    >>> concurrency_text(1, 4)
    '4 queries run at once (1 in each of 4 server processes)'
    """
    total = workers * processes
    text = f"{total} {'query runs' if total == 1 else 'queries run'} at once"
    return text if processes == 1 else f"{text} ({workers} in each of {processes} server processes)"
