"""Lists of resources by class at `/id/<segment>/`: facets with counts, sorting, paging, downloads.

A list is read once per release and segment from the release's store (fixed queries of
kg.web.listings, as the resource pages read theirs) and kept in memory; filtering, counting,
sorting and paging then run on that table, so a page costs no query. Every parameter is checked:
an unknown name, a value no listed resource has, a bad page or size is a 400 naming it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from kg.ids import DIP, DIPST
from kg.web import conneg, docs
from kg.web.describe import PREFIXES, RDF_TYPE, Labeller, Term, Views
from kg.web.listings import YEAR, Field, Listing, listing_for
from kg.web.release import Release, get_release

bp = Blueprint("browse", __name__)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
FACET_SHOWN = 6  # values shown before the rest fold away
FACET_MAX = 200  # values a facet lists at most (the most frequent)
_DATE = re.compile(r"-?\d{4}")
CSV, JSON = "text/csv", "application/json"
DOWNLOADS = {"csv": CSV, "json": JSON, "ttl": "text/turtle"}


@dataclass
class Item:
    """One listed resource: its label, date, the values of its columns and the facet values it has."""

    node: Term
    date: str | None = None
    cells: dict[str, list[Term]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Table:
    """Everything a list shows of one segment of one release."""

    listing: Listing
    items: list[Item]
    values: dict[str, dict[str, Term]]  # facet → value key → the value as shown

    @property
    def facets(self) -> tuple[Field, ...]:
        """Return the facets of the list, the year one included when its resources are dated."""
        year = (Field(YEAR, "Year", ""),) if self.listing.date else ()
        return self.listing.facets[:1] + year + self.listing.facets[1:]


@dataclass
class FacetValue:
    """A value of a facet as the page shows it: how many listed resources have it, and the link that toggles it."""

    key: str
    term: Term
    count: int
    selected: bool
    href: str = ""


class Catalogue:
    """The lists of the live release, built on first use and dropped when the release changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._release: Path | None = None
        self._segments: dict[str, list[ox.NamedNode]] = {}
        self._tables: dict[str, Table] = {}

    def segments(self, release: Release, base: str) -> dict[str, list[ox.NamedNode]]:
        """Return the resources under each `{base}id/<segment>/` of the release, by segment."""
        with self._lock:
            self._current(release, base)
            return self._segments

    def table(self, release: Release, base: str, segment: str) -> Table | None:
        """Return the list of `segment`, or None if the release has no resource under it."""
        with self._lock:
            self._current(release, base)
            if segment not in self._segments:
                return None
            if segment not in self._tables:
                self._tables[segment] = build_table(release.store, base, listing_for(segment), self._segments[segment])
            return self._tables[segment]

    def _current(self, release: Release, base: str) -> None:
        if self._release != release.path:
            self._release, self._tables = release.path, {}
            self._segments = find_segments(release.store, base)


def find_segments(store: ox.Store, base: str) -> dict[str, list[ox.NamedNode]]:
    """Return every typed resource whose IRI is `{base}id/<segment>/<name>`, grouped by segment."""
    prefix = f"{base}id/"
    found: dict[str, dict[ox.NamedNode, None]] = {}
    for quad in store.quads_for_pattern(None, RDF_TYPE, None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(prefix):
            segment, slash, name = subject.value[len(prefix) :].partition("/")
            if slash and name:
                found.setdefault(segment, {})[subject] = None
    return {segment: list(nodes) for segment, nodes in sorted(found.items())}


def build_table(store: ox.Store, base: str, listing: Listing, nodes: list[ox.NamedNode]) -> Table:
    """Read a list from the store: one fixed query per column, facet and date."""
    views = Views(store, Labeller(store, docs.vocabulary(), base))
    term = views.labeller.term
    items = {node: Item(term(node)) for node in nodes}
    for column in listing.columns:
        for node, values in _values(views, column.pattern, items).items():
            item = items[node]
            if column.count:
                item.counts[column.name] = len(values)
            else:
                item.cells[column.name] = sorted((term(v) for v in values), key=_order)
    table = Table(listing, list(items.values()), {})
    if listing.date:
        for node, values in _values(views, listing.date, items).items():
            items[node].date = min(v.value for v in values)
    for facet in table.facets:
        shown = table.values.setdefault(facet.name, {})
        if facet.name == YEAR:
            for item in table.items:
                if item.date and _DATE.match(item.date):
                    year = _DATE.match(item.date).group()
                    item.keys[YEAR] = {year}
                    shown[year] = Term(year, year)
            continue
        for node, values in _values(views, facet.pattern, items).items():
            terms = [term(v) for v in values]
            items[node].keys[facet.name] = {value_key(t, base) for t in terms}
            shown.update((value_key(t, base), t) for t in terms)
    return table


def _values(views: Views, pattern: str, items: dict) -> dict[ox.NamedNode, set]:
    """Return, for each listed resource, the values a field's pattern reaches from it."""
    found: dict[ox.NamedNode, set] = {}
    for row in views.select(f"SELECT ?item ?value WHERE {{ {pattern} }}"):
        if row["item"] in items and row["value"] is not None:
            found.setdefault(row["item"], set()).add(row["value"])
    return found


def _order(term: Term) -> tuple:
    return (term.label.casefold(), term.value)


def value_key(term: Term, base: str) -> str:
    """Return how a facet value is written in a URL: a data IRI from `id/`, a vocabulary term as `dip:Name`."""
    return short_form(term.value, base) if term.is_iri else term.value


def short_form(value: str, base: str) -> str:
    """Return an IRI in its short URL form (`id/country/armenia`, `dip:Meeting`); other text unchanged."""
    for prefix, namespace in (("dipst", str(DIPST)), ("dip", str(DIP))):
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace) :]}"
    return value[len(base) :] if value.startswith(base) else value


# --------------------------------------------------------------------------- one request


class BadParameter(Exception):
    """A parameter of a list request that cannot be used; the message names it."""


@dataclass
class ListRequest:
    """What a list request asks for: filters by facet, sort, page, page size and format."""

    filters: dict[str, list[str]]
    sort: str
    page: int
    size: int
    fmt: str | None


def sort_keys(table: Table) -> list[str]:
    """Return the names the list can be sorted by."""
    names = ["label"] + (["date"] if table.listing.date else [])
    return names + [c.name for c in table.listing.columns if c.count]


def read_request(table: Table, args: list[tuple[str, str]], base: str) -> ListRequest:
    """Check a list's query parameters against the list; raise BadParameter naming the first that is wrong."""
    facets = {f.name for f in table.facets}
    filters: dict[str, list[str]] = {}
    single: dict[str, str] = {}
    for name, value in args:
        if name in facets:
            key = short_form(value, base)
            if key not in table.values[name]:
                raise BadParameter(f"`{name}`: no listed resource has the value {value!r}")
            filters.setdefault(name, []).append(key)
        elif name in ("sort", "page", "size", "format"):
            if name in single:
                raise BadParameter(f"`{name}` is given more than once")
            single[name] = value
        else:
            known = ", ".join(sorted(facets | {"sort", "page", "size", "format"}))
            raise BadParameter(f"unknown parameter `{name}`; this list takes {known}")
    sort = single.get("sort", "-date" if table.listing.date else "label")
    if sort.lstrip("-") not in sort_keys(table):
        raise BadParameter(f"`sort` must be one of {', '.join(sort_keys(table))} (with `-` for descending)")
    fmt = single.get("format")
    if fmt is not None and fmt not in DOWNLOADS and fmt != "html":
        raise BadParameter(f"`format` must be html, {', '.join(DOWNLOADS)}")
    return ListRequest(
        filters, sort, _number(single, "page", 1, None), _number(single, "size", PAGE_SIZE, MAX_PAGE_SIZE), fmt
    )


def _number(single: dict[str, str], name: str, default: int, most: int | None) -> int:
    raw = single.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (most is not None and int(raw) > most):
        bound = f" and at most {most}" if most else ""
        raise BadParameter(f"`{name}` must be a whole number of at least 1{bound}, not {raw!r}")
    return int(raw)


def matching(table: Table, filters: dict[str, list[str]]) -> list[Item]:
    """Return the listed resources that have every value the filters name."""
    return [item for item in table.items if all(set(keys) <= item.keys.get(f, set()) for f, keys in filters.items())]


def sorted_items(items: list[Item], sort: str) -> list[Item]:
    """Sort by label, date or a count; resources without a date go last either way."""
    name, descending = sort.lstrip("-"), sort.startswith("-")
    by_label = sorted(items, key=lambda i: _order(i.node))
    if name == "label":
        return by_label[::-1] if descending else by_label
    if name == "date":
        dated = sorted((i for i in by_label if i.date), key=lambda i: i.date, reverse=descending)
        return dated + [i for i in by_label if not i.date]
    return sorted(by_label, key=lambda i: i.counts.get(name, 0), reverse=descending)


def facet_values(table: Table, items: list[Item], facet: str, selected: list[str]) -> list[FacetValue]:
    """Count the resources among `items` having each value of a facet; selected values come first."""
    counts: dict[str, int] = {}
    for item in items:
        for key in item.keys.get(facet, ()):
            counts[key] = counts.get(key, 0) + 1
    values = [FacetValue(k, table.values[facet][k], n, k in selected) for k, n in counts.items()]
    values.sort(key=lambda v: (not v.selected, -v.count, _order(v.term)))
    return values[:FACET_MAX]


# --------------------------------------------------------------------------- the HTTP surface


def _catalogue() -> Catalogue:
    return current_app.extensions.setdefault("kg_catalogue", Catalogue())


def _live() -> Release:
    release = get_release()
    if release is None:
        abort(503)
    return release


@bp.get("/id/")
def index():
    """List the lists: every segment of the data with how many resources it holds."""
    base = current_app.config["BASE_IRI"]
    segments = _catalogue().segments(_live(), base)
    lists = [(listing_for(s), len(nodes)) for s, nodes in segments.items()]
    return render_template("lists.html", lists=lists)


@bp.get("/id/<segment>/", strict_slashes=False)
def listing(segment: str):
    """Answer a list page, or the listed rows (every page, same filters) as CSV, JSON or Turtle."""
    if not request.path.endswith("/"):  # `/id/<name>` names a resource, and none is known: no redirect to a list
        abort(404)
    base = current_app.config["BASE_IRI"]
    release = _live()
    table = _catalogue().table(release, base, segment)
    if table is None:
        abort(404)
    try:
        asked = read_request(table, list(request.args.items(multi=True)), base)
    except BadParameter as error:
        abort(400, description=str(error))
    items = sorted_items(matching(table, asked.filters), asked.sort)
    fmt = asked.fmt or _negotiate()
    if fmt == "html":
        return render_list(table, asked, items)
    limit = int(current_app.config["MAX_ROWS"])
    response = download(release.store, table, items[:limit], fmt, base)
    if len(items) > limit:
        response.headers["X-KG-Truncated"] = "true"
        response.headers["X-KG-Max-Rows"] = str(limit)
    response.vary.add("Accept")
    return response


def _negotiate() -> str:
    offers = {conneg.HTML: "html", CSV: "csv", JSON: "json", "text/turtle": "ttl"}
    chosen = conneg.choose(request.accept_mimetypes, offers)
    if chosen is None:
        abort(406)
    return chosen


def render_list(table: Table, asked: ListRequest, items: list[Item]) -> Response:
    """Render one page of a list with its facets, sort links, pager and download links."""
    pages = max(1, -(-len(items) // asked.size))
    if asked.page > pages:
        abort(400, description=f"`page`: this list has {pages} page{'s' if pages != 1 else ''} of {asked.size}")
    args = list(request.args.items(multi=True))
    facets = []
    for facet in table.facets:
        values = facet_values(table, items, facet.name, asked.filters.get(facet.name, []))
        for value in values:
            pair = (facet.name, value.key)
            value.href = _href(args, drop={pair} if value.selected else set(), add=[] if value.selected else [pair])
        if values:
            facets.append((facet, values))
    start = (asked.page - 1) * asked.size
    page = render_template(
        "list.html",
        table=table,
        listing=table.listing,
        total=len(items),
        items=items[start : start + asked.size],
        first=start + 1,
        facets=facets,
        facet_shown=FACET_SHOWN,
        active=[(f, table.values[f][k], _href(args, drop={(f, k)})) for f, keys in asked.filters.items() for k in keys],
        sorts=_sort_links(table, asked, args),
        pager=_pager(asked, pages, args),
        downloads=[(name, _href(args, drop={"page", "size", "format"}, add=[("format", name)])) for name in DOWNLOADS],
        editor=url_for("ui.query_page", query=list_query(table, asked, current_app.config["BASE_IRI"])),
    )
    return Response(page, mimetype="text/html")


def _href(args: list[tuple[str, str]], drop=frozenset(), add=()) -> str:
    """Return this list's URL with some parameters dropped (names or (name, value) pairs) and others added."""
    kept = [(n, v) for n, v in args if n not in drop and (n, v) not in drop and (n != "page" or not add)]
    query = urlencode(kept + list(add))
    return f"{request.script_root}{request.path}" + (f"?{query}" if query else "")


def _sort_links(table: Table, asked: ListRequest, args) -> dict[str, tuple[str, str]]:
    """Return, per sortable name, the link that sorts by it (reversing the current order) and the arrow shown."""
    links = {}
    for name in sort_keys(table):
        current = asked.sort.lstrip("-") == name
        descending = asked.sort.startswith("-")
        target = (name if descending else f"-{name}") if current else (f"-{name}" if name != "label" else name)
        arrow = ("▼" if descending else "▲") if current else ""
        links[name] = (_href(args, drop={"sort", "page"}, add=[("sort", target)]), arrow)
    return links


def _pager(asked: ListRequest, pages: int, args) -> dict:
    def to(number: int) -> str:
        return _href(args, drop={"page"}, add=[("page", str(number))])

    return {
        "page": asked.page,
        "pages": pages,
        "previous": to(asked.page - 1) if asked.page > 1 else None,
        "next": to(asked.page + 1) if asked.page < pages else None,
    }


def download(store: ox.Store, table: Table, items: list[Item], fmt: str, base: str) -> Response:
    """Return the listed rows as CSV, JSON or Turtle (the resources' own statements)."""
    if fmt == "ttl":
        triples = [ox.Triple(q.subject, q.predicate, q.object) for i in items for q in _own(store, i)]
        body = ox.serialize(list(dict.fromkeys(triples)), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return Response(body, content_type="text/turtle; charset=utf-8")
    columns = table.listing.columns
    rows = [_row(table, item, base) for item in items]
    if fmt == "json":
        document = {"list": table.listing.title, "total": len(items), "items": rows}
        return Response(json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["iri", "label"] + (["date"] if table.listing.date else [])
    for column in columns:
        header += [column.name] if column.count else [column.name, f"{column.name}_iri"]
    writer.writerow(header)
    for item, row in zip(items, rows, strict=True):
        line = [item.node.value, item.node.label] + ([item.date or ""] if table.listing.date else [])
        for column in columns:
            if column.count:
                line.append(row[column.name])
            else:
                line += ["; ".join(v["label"] for v in row[column.name])]
                line += ["; ".join(v.get("iri", "") for v in row[column.name])]
        writer.writerow(line)
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{table.listing.segment}.csv"'
    return response


def _own(store: ox.Store, item: Item):
    return store.quads_for_pattern(ox.NamedNode(item.node.value), None, None)


def _row(table: Table, item: Item, base: str) -> dict:
    row: dict = {"iri": item.node.value, "label": item.node.label}
    if table.listing.date:
        row["date"] = item.date
    for column in table.listing.columns:
        if column.count:
            row[column.name] = item.counts.get(column.name, 0)
        else:
            row[column.name] = [
                {"iri": t.value, "label": t.label} if t.is_iri else {"label": t.value}
                for t in item.cells.get(column.name, [])
            ]
    return row


def list_query(table: Table, asked: ListRequest, base: str) -> str:
    """Return a SPARQL query for the query editor that lists the same resources, its filters as VALUES of terms."""
    listing = table.listing
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p in ("dip", "dct", "rdfs")]
    lines += ["SELECT DISTINCT ?item ?label" + (" ?date" if listing.date else "") + " WHERE {"]
    prefix = ox.Literal(f"{base}id/{listing.segment}/")
    lines.append(f"  ?item a ?type . FILTER(STRSTARTS(STR(?item), {prefix}))")
    facets = {f.name: f for f in listing.facets}
    number = 0
    for name, keys in asked.filters.items():
        for key in keys:
            number += 1
            if name == YEAR:
                lines.append(f"  FILTER(STRSTARTS(STR(?date), {ox.Literal(key)}))")
                continue
            # The facet's own variables are numbered, so that two filters of one facet do not share them.
            pattern = re.sub(r"\?(?!item\b)(\w+)", rf"?\g<1>{number}", facets[name].pattern)
            lines.append(f"  {pattern} .")
            lines.append(f"  VALUES ?value{number} {{ {_term(table.values[name][key])} }}")
    lines.append("  OPTIONAL { ?item rdfs:label ?label }")
    if listing.date:
        date = listing.date.replace("?value", "?date")
        lines.append(f"  OPTIONAL {{ {date} }}")
    order = "DESC(?date)" if listing.date else "?label"
    lines += ["}", f"ORDER BY {order}", "LIMIT 1000"]
    return "\n".join(lines) + "\n"


def _term(term: Term) -> str:
    """Return a term in SPARQL syntax, written by the RDF library (escaped), never pasted from a request."""
    if term.is_iri:
        return str(ox.NamedNode(term.value))
    if term.lang:
        return str(ox.Literal(term.value, language=term.lang))
    return str(ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None))


@bp.app_template_global("editor_link")
def editor_link(iri: str) -> str:
    """Return the query editor's URL, prefilled with a query for everything stated about `iri` and where."""
    node = str(ox.NamedNode(iri))
    if iri.startswith(current_app.config["BASE_IRI"] + "graph/"):
        query = f"SELECT ?subject ?property ?value WHERE {{\n  GRAPH {node} {{ ?subject ?property ?value }}\n}}\n"
    else:
        query = (
            f"SELECT ?property ?value ?graph WHERE {{\n  GRAPH ?graph {{ {node} ?property ?value }}\n}}"
            " ORDER BY ?property\n"
        )
    return url_for("ui.query_page", query=query)


@bp.app_template_global("list_of")
def list_of(iri: str) -> str | None:
    """Return the URL of the list a data IRI belongs to (`/id/person/` for a person), if it is one."""
    base = current_app.config["BASE_IRI"]
    segment, slash, name = iri[len(base) + 3 :].partition("/") if iri.startswith(base + "id/") else ("", "", "")
    return url_for("browse.listing", segment=segment) if slash and name else None


@bp.app_template_filter("short_form")
def short_form_filter(iri: str) -> str:
    """Return an IRI's short URL form for this deployment (`id/country/armenia`, `dip:Meeting`)."""
    return short_form(iri, current_app.config["BASE_IRI"])
