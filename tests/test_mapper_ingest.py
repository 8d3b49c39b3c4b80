"""Ingest writes each page's graph with its provenance, as the mapper describes it."""

from __future__ import annotations

from rdflib import Literal

from speechld import __version__
from speechld.ingest import ingest
from speechld.store import EmbeddedStore

from .paths import SEED

PROVENANCE = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
PREFIX sld: <https://w3id.org/speechld/ontology#>
SELECT ?g ?source ?when ?version WHERE {
  GRAPH ?g {
    ?speech a sld:Speech .
    ?g prov:wasDerivedFrom ?source ; prov:generatedAtTime ?when ;
       prov:wasGeneratedBy/prov:wasAssociatedWith ?software .
  }
  ?software schema:softwareVersion ?version .
}"""


def test_ingest_records_source_time_and_version() -> None:
    store = EmbeddedStore(None)
    base = "http://127.0.0.1:5000/"
    summary = ingest(store, [SEED], base)
    assert summary.stored == 1 and not summary.failed
    (row,) = list(store.select(PROVENANCE))
    assert row["g"].value.startswith(f"{base}graph/")
    assert row["source"].value == SEED.resolve().as_uri()
    assert row["version"].value == __version__
    when = Literal(row["when"].value, datatype=row["when"].datatype.value).toPython()
    assert when.tzinfo is not None
    store.close()
