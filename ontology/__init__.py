"""The ontology, SKOS schemes and shapes of speechld, shipped with the package."""
