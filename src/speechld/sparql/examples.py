"""Example queries shown on the SPARQL page: the questions researchers ask of the speeches."""

from __future__ import annotations

from typing import NamedTuple

PROLOGUE = """PREFIX sld: <https://w3id.org/speechld/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


class Example(NamedTuple):
    """A titled example query."""

    title: str
    query: str


EXAMPLES: tuple[Example, ...] = (
    Example(
        "Speeches by a speaker",
        PROLOGUE
        + """
# A speech read from pages in two languages is in two graphs: one row a speech.
SELECT ?speech (SAMPLE(?when) AS ?date) (SAMPLE(?n) AS ?number) (SAMPLE(?name) AS ?type)
       (GROUP_CONCAT(DISTINCT ?said; separator=" / ") AS ?role) WHERE {
  ?speech a sld:Speech ;
          sld:speaker/foaf:name "Anna Ljunggren" .
  OPTIONAL { ?speech sld:dateTime ?when }
  OPTIONAL { ?speech sld:speechNumber ?n }
  OPTIONAL { ?speech sld:speechType/skos:prefLabel ?name FILTER(LANG(?name) = "en") }
  OPTIONAL { ?speech sld:speakerRole ?said }
}
GROUP BY ?speech
ORDER BY ?date ?number
""",
    ),
    Example(
        "Speeches per party group",
        PROLOGUE
        + """
SELECT ?group (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?speech) AS ?speeches) WHERE {
  ?speech a sld:Speech ;
          sld:partyGroup ?group .
  OPTIONAL { ?group skos:prefLabel ?label FILTER(LANG(?label) = "en") }
}
GROUP BY ?group
ORDER BY DESC(?speeches)
""",
    ),
    Example(
        "Speeches per type",
        PROLOGUE
        + """
SELECT ?type (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?speech) AS ?speeches) WHERE {
  ?speech a sld:Speech ;
          sld:speechType ?type .
  OPTIONAL { ?type skos:prefLabel ?label FILTER(LANG(?label) = "en") }
}
GROUP BY ?type
ORDER BY DESC(?speeches)
""",
    ),
    Example(
        "Speeches with a translation, and its language",
        PROLOGUE
        + """
SELECT DISTINCT ?speech ?language (STRLEN(?text) AS ?characters) WHERE {
  ?speech a sld:Speech ;
          sld:translation ?translation .
  ?translation sld:translatedText ?text .
  BIND(LANG(?text) AS ?language)
}
ORDER BY ?speech ?language
""",
    ),
    Example(
        "Speeches whose text contains a word",
        PROLOGUE
        + """
SELECT ?speech (SAMPLE(?label) AS ?name) (SAMPLE(LANG(?text)) AS ?language) WHERE {
  ?speech a sld:Speech ;
          rdfs:label ?label ;
          sld:text ?text .
  FILTER(CONTAINS(LCASE(?text), "menneskehandel"))
}
GROUP BY ?speech
LIMIT 100
""",
    ),
)
