"""The release in a SPARQL store, seen through the few `pyoxigraph.Store` calls the Linked Data pages make.

`quads_for_pattern`, `contains_named_graph`, `named_graphs` and `query` (with `substitutions`) are
answered by SPARQL queries on the current release's graphs. Every term put into a query comes from
pyoxigraph (a checked IRI or a term read back from the store) and is written in its N-Triples form;
no request text is pasted into a query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from kg.store.remote import JSON_RESULTS, Client, Current, json_cell, parse_json_rows

_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


class StorePatterns:
    """Read one release of a SPARQL store as the pages read an embedded store."""

    def __init__(self, client: Client, release: Current):
        self.client, self.release = client, release

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterator[ox.Quad]:  # noqa: A002
        """Yield the matching statements: of one graph when `graph_name` is given, else of the union (merged)."""
        if isinstance(subject, ox.BlankNode) or isinstance(object, ox.BlankNode):
            return iter(())  # a store's blank nodes cannot be named again in a later query
        if graph_name is not None and graph_name.value not in self.release.graphs:
            return iter(())
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join(str(term) if term is not None else f"?{name}" for name, term in terms.items())
        variables = [name for name, term in terms.items() if term is None]
        text = f"SELECT {' '.join('?' + v for v in variables) or '*'} WHERE {{ {pattern} }}"
        graph = self.release.graphs[graph_name.value] if graph_name is not None else self.release.union
        rows = self.client.select(text, default_graphs=[graph])
        where = graph_name if graph_name is not None else ox.DefaultGraph()
        return iter([ox.Quad(*(row.get(n, terms[n]) for n in ("s", "p", "o")), where) for row in rows])

    def contains_named_graph(self, graph) -> bool:
        """Return whether the release holds a graph of that name."""
        return isinstance(graph, ox.NamedNode) and graph.value in self.release.graphs

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """Yield the names of the release's graphs."""
        return iter([ox.NamedNode(iri) for iri in self.release.graphs])

    def query(self, text: str, substitutions: Mapping | None = None, **_dataset) -> ox.QuerySolutions:
        """Run a fixed SELECT on the union of the release's graphs, with `substitutions` given as VALUES."""
        if substitutions:
            names = " ".join(str(variable) for variable in substitutions)
            values = " ".join(str(term) for term in substitutions.values())
            match = _WHERE.search(text)
            text = f"{text[: match.end()]} VALUES ({names}) {{ ({values}) }} {text[match.end() :]}"
        body = self.client.query(text, JSON_RESULTS, default_graphs=[self.release.union])
        variables, rows = parse_json_rows(body)
        bindings = [{name: json_cell(term) for name, term in row.items()} for row in rows]
        document = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()
        return ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
