"""What a store holds: speeches, persons, groups, triples and graphs, on any backend."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from speechld.store.base import GRAPH_PATH, GraphStore, dataset_base

# Things of each counted class minted under the dataset's `{base}id/`.
CLASSES = {
    "speech": "https://w3id.org/speechld/ontology#Speech",
    "person": "http://xmlns.com/foaf/0.1/Person",
    "group": "https://w3id.org/speechld/ontology#PartyGroup",
}
KINDS = """SELECT ?type (COUNT(DISTINCT ?thing) AS ?n) WHERE {{
  VALUES ?type {{ {types} }}
  ?thing a ?type .
  FILTER(STRSTARTS(STR(?thing), "{base}id/"))
}} GROUP BY ?type"""


@dataclass(frozen=True)
class Stats:
    """Counts of a store's content; triples are summed over speechld's named graphs."""

    speeches: int = 0
    persons: int = 0
    groups: int = 0
    triples: int = 0
    graphs: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts by name, in a stable order."""
        return asdict(self)

    def __str__(self) -> str:
        return "\n".join(f"{name:<9} {value}" for name, value in self.as_dict().items())


def _int(value: object) -> int:
    return int(str(getattr(value, "value", 0) or 0))


def stats(store: GraphStore) -> Stats:
    """The counts of speechld data in a store (zero for a store never ingested into)."""
    base = dataset_base(store)
    if base is None:
        return Stats()
    if '"' in base or "\\" in base:
        raise ValueError(f"not a URI base: {base!r}")
    types = " ".join(f"<{iri}>" for iri in CLASSES.values())
    rows = store.select(KINDS.format(base=base, types=types))
    counts = {str(row["type"].value): _int(row["n"]) for row in rows}
    kinds = {kind: counts.get(iri, 0) for kind, iri in CLASSES.items()}
    triples, graphs = store.sizes(base + GRAPH_PATH)
    return Stats(
        speeches=kinds.get("speech", 0),
        persons=kinds.get("person", 0),
        groups=kinds.get("group", 0),
        triples=triples,
        graphs=graphs,
    )
