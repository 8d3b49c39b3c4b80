"""Safe SPARQL query execution: query checks, row caps, and worker processes with time limits.

The modules, in the order a query meets them: syntax (what the text asks for), limits (the
guards), pool (worker processes), worker (a worker's loop), execute (running one query).
"""
