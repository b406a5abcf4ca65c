"""Example SPARQL queries (`*.rq`), offered by the query UI; loaded with importlib.resources."""
