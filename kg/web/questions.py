"""Canned questions at stable URLs (`/questions/<name>`): typed parameters, a form, a table, JSON, CSV and Turtle.

A question is one of the example queries of kg/queries (the editor's examples), its name the file's
without the leading number. Its header declares each parameter:

    # param countryA: country — the first country
    # param from: date? — only events dated on or after this day

with a type (`country`, `person`, `article`, `event-kind`, `date`; `?` when it may be left empty) and
what it means. Its body holds one line `VALUES ?name { default }` per parameter (`UNDEF` for none),
so the file runs as it is in the editor. A request's value is checked against its type (an IRI must
name a resource of that class in the release, a date must be a real day) and written into that line
as an RDF term serialized by pyoxigraph: never as the request's text. The query then runs through
the /sparql workers, with their time, row and load limits.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from kg.ids import DIP
from kg.web import conneg, docs, release, sparql, ui
from kg.web.browse import short_form
from kg.web.describe import PREFIXES, RDF_TYPE, Labeller, Term
from kg.web.workers import Job, QueryFailed

bp = Blueprint("questions", __name__)

XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
_PARAM = re.compile(r"^#\s*param\s+(\w+)\s*:\s*([a-z-]+)(\?)?\s*(?:—\s*(.*))?$", re.MULTILINE)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Parameter types: the class a value must be an instance of (None: a date), and how the form names it.
KINDS = {
    "country": (DIP.Country, "a country"),
    "person": (DIP.Person, "a person"),
    "article": (DIP.Article, "an article"),
    "event-kind": (DIP.Event, "a kind of event"),
    "date": (None, "a day, YYYY-MM-DD"),
}
FORMATS = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "ttl": "text/turtle",
}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a question: name, type, meaning, whether it may be empty, and its default."""

    name: str
    kind: str
    doc: str
    optional: bool
    default: ox.NamedNode | ox.Literal | None


@dataclass(frozen=True)
class Question:
    """A canned query with its declared parameters."""

    slug: str
    title: str
    description: str
    query: str
    parameters: tuple[Parameter, ...]


def values_line(name: str) -> re.Pattern:
    """Return the pattern of the line `VALUES ?name { … }` that holds a parameter's value in the query."""
    return re.compile(rf"^([ \t]*)VALUES[ \t]+\?{name}[ \t]*\{{([^}}\n]*)\}}[ \t]*$", re.MULTILINE)


def parse(example: ui.Example) -> Question:
    """Read a question's parameters from its header and their defaults from its VALUES lines."""
    parameters = []
    for name, kind, optional, doc in _PARAM.findall(example.query):
        if kind not in KINDS:
            raise ValueError(f"{example.name}: parameter {name} has the unknown type {kind!r}")
        lines = values_line(name).findall(example.query)
        if len(lines) != 1:
            raise ValueError(f"{example.name}: parameter {name} needs exactly one `VALUES ?{name} {{ … }}` line")
        default = _default(example.query, name, lines[0][1].strip())
        parameters.append(Parameter(name, kind, doc.strip(), bool(optional), default))
    slug = re.sub(r"^\d+-", "", example.name)
    return Question(slug, example.title, example.description, example.query, tuple(parameters))


def _default(query: str, name: str, text: str) -> ox.NamedNode | ox.Literal | None:
    """Evaluate a VALUES line's default with the query's prefixes (the file's own syntax), on an empty store."""
    prologue = "\n".join(line for line in query.splitlines() if line.lstrip().upper().startswith("PREFIX"))
    solutions = ox.Store().query(f"{prologue}\nSELECT ?{name} WHERE {{ VALUES ?{name} {{ {text} }} }}")
    return next(iter(solutions))[name]


@functools.cache
def questions(base: str) -> dict[str, Question]:
    """Return the questions of this deployment (data IRIs under `base`), by URL name."""
    found = [parse(example) for example in ui.examples(base)]
    return {question.slug: question for question in found}


# --------------------------------------------------------------------------- values of parameters


class BadValue(Exception):
    """A parameter value that cannot be used; the message names the parameter."""


def choices(parameter: Parameter, live: release.Release, base: str) -> list[Term]:
    """Return the values a parameter of an IRI type can take, by label (none for dates)."""
    cls = KINDS[parameter.kind][0]
    if cls is None:
        return []
    vocabulary = docs.vocabulary()
    labeller = Labeller(live.store, vocabulary, base)
    if parameter.kind == "event-kind":
        nodes = _event_kinds(vocabulary) if vocabulary is not None else set()
    else:
        nodes = {q.subject for q in live.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(str(cls)))}
    terms = {labeller.term(n) for n in nodes if isinstance(n, ox.NamedNode)}
    return sorted(terms, key=lambda t: (t.label.casefold(), t.value))


def _event_kinds(vocabulary: ox.Store) -> set[ox.NamedNode]:
    """Return dip:Event and every class under it in the ontology."""
    found, todo = set(), [ox.NamedNode(str(DIP.Event))]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo += [q.subject for q in vocabulary.quads_for_pattern(None, SUBCLASS, cls)]
    return found


def read_value(parameter: Parameter, raw: str, allowed: list[Term], base: str) -> ox.NamedNode | ox.Literal | None:
    """Turn a submitted value into an RDF term of the parameter's type; BadValue naming the parameter if it is not."""
    raw = raw.strip()
    if not raw:
        if parameter.optional:
            return None
        raise BadValue(f"`{parameter.name}` is required: give {KINDS[parameter.kind][1]}")
    if parameter.kind == "date":
        try:
            day = dt.date.fromisoformat(raw) if _DAY.fullmatch(raw) else None
        except ValueError:
            day = None
        if day is None:
            raise BadValue(f"`{parameter.name}` must be a real day written YYYY-MM-DD, not {raw!r}")
        return ox.Literal(day.isoformat(), datatype=XSD_DATE)
    by_key = {short_form(t.value, base): t for t in allowed} | {t.value: t for t in allowed}
    found = by_key.get(raw) or by_key.get(short_form(raw, base))
    if found is None:
        raise BadValue(f"`{parameter.name}` must be {KINDS[parameter.kind][1]} of this dataset; {raw!r} is not one")
    return ox.NamedNode(found.value)


def bind(question: Question, values: dict[str, ox.NamedNode | ox.Literal | None]) -> str:
    """Return the question's query with each parameter's VALUES line holding the given term (UNDEF for none)."""
    query = question.query
    for name, value in values.items():
        written = "UNDEF" if value is None else str(value)  # pyoxigraph writes the term, escaped, in SPARQL syntax
        query = values_line(name).sub(lambda m, w=written, n=name: f"{m.group(1)}VALUES ?{n} {{ {w} }}", query)
    return query


def read_values(question: Question, live: release.Release, base: str) -> tuple[dict, dict, dict]:
    """Read the request's parameters: (terms to bind, form values to show, allowed choices), or 400 naming one."""
    known = {p.name for p in question.parameters} | {"format"}
    for name in request.args:
        if name not in known:
            abort(400, description=f"unknown parameter `{name}`; this question takes {', '.join(sorted(known))}")
        if len(request.args.getlist(name)) > 1:
            abort(400, description=f"`{name}` is given more than once")
    terms, shown, allowed = {}, {}, {}
    for parameter in question.parameters:
        allowed[parameter.name] = choices(parameter, live, base)
        raw = request.args.get(parameter.name)
        try:
            if raw is None:
                terms[parameter.name] = parameter.default
            else:
                terms[parameter.name] = read_value(parameter, raw, allowed[parameter.name], base)
        except BadValue as error:
            abort(400, description=str(error))
        value = terms[parameter.name]
        shown[parameter.name] = "" if value is None else short_form(value.value, base)
    return terms, shown, allowed


# --------------------------------------------------------------------------- answers


def run(query: str, media_type: str) -> tuple[bytes, bool]:
    """Run a bound question through the /sparql workers; return the serialized answer and whether it was cut."""
    settings = current_app.config
    job = Job(query=query, result_format=media_type, max_rows=int(settings["MAX_ROWS"]), base_iri=sparql.endpoint_url())
    pool = current_app.extensions["kg_query_pool"]
    try:
        answer = pool.run(job, float(settings["QUERY_TIMEOUT"]), client=sparql.client_address())
    except QueryFailed as failure:
        abort(failure.status, description=failure.message)
    return answer.body, answer.truncated


def cell_term(cell: dict | None) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    """Return the RDF term of one cell of a SPARQL JSON result."""
    if cell is None:
        return None
    if cell["type"] == "uri":
        return ox.NamedNode(cell["value"])
    if cell["type"] == "bnode":
        return ox.BlankNode(cell["value"])
    if "xml:lang" in cell:
        return ox.Literal(cell["value"], language=cell["xml:lang"])
    datatype = cell.get("datatype")
    return ox.Literal(cell["value"], datatype=ox.NamedNode(datatype) if datatype else None)


def result_set(variables: list[str], rows: list[dict]) -> bytes:
    """Write a SELECT answer in Turtle with the W3C result-set vocabulary (rs:ResultSet, rs:solution, rs:binding)."""

    def rs(local: str) -> ox.NamedNode:
        return ox.NamedNode(RS + local)

    answer = ox.BlankNode()
    triples = [ox.Triple(answer, RDF_TYPE, rs("ResultSet"))]
    triples += [ox.Triple(answer, rs("resultVariable"), ox.Literal(v)) for v in variables]
    for index, row in enumerate(rows, start=1):
        solution = ox.BlankNode()
        triples += [ox.Triple(answer, rs("solution"), solution), ox.Triple(solution, rs("index"), ox.Literal(index))]
        for variable in variables:
            value = cell_term(row.get(variable))
            if value is not None:
                binding = ox.BlankNode()
                triples.append(ox.Triple(solution, rs("binding"), binding))
                triples.append(ox.Triple(binding, rs("variable"), ox.Literal(variable)))
                triples.append(ox.Triple(binding, rs("value"), value))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"rs": RS, **PREFIXES})


def _negotiate() -> str:
    """Return the format asked for by `format`, else by Accept (a page when the client takes anything)."""
    named = request.args.get("format")
    if named is not None:
        if named not in FORMATS and named != "html":
            abort(400, description=f"`format` must be html, {', '.join(FORMATS)}")
        return named
    offers = {"text/html": "html", "application/json": "json", **{m: n for n, m in FORMATS.items()}}
    chosen = conneg.choose(request.accept_mimetypes, offers)
    if chosen is None:
        abort(406)
    return chosen


@bp.get("/questions")
def index():
    """List the questions with their parameters."""
    return render_template("questions.html", questions=questions(current_app.config["BASE_IRI"]).values(), kinds=KINDS)


@bp.get("/questions/<slug>")
def question(slug: str):
    """Answer one question: its form and table, or its answer as SPARQL JSON, CSV or Turtle."""
    base = current_app.config["BASE_IRI"]
    found = questions(base).get(slug)
    if found is None:
        abort(404)
    live = release.get_release()
    if live is None:
        abort(503)
    fmt = _negotiate()
    terms, shown, allowed = read_values(found, live, base)
    query = bind(found, terms)
    body, truncated = run(query, FORMATS["csv"] if fmt == "csv" else FORMATS["json"])
    if fmt == "csv":
        response = Response(body, content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = Response(body, content_type=FORMATS["json"])
    else:
        answer = json.loads(body)
        variables, rows = answer["head"]["vars"], answer["results"]["bindings"]
        if fmt == "ttl":
            response = Response(result_set(variables, rows), content_type="text/turtle; charset=utf-8")
        else:
            response = render_answer(found, live, base, query, shown, allowed, variables, rows, truncated)
    if truncated:
        response.headers["X-KG-Truncated"] = "true"
        response.headers["X-KG-Max-Rows"] = str(current_app.config["MAX_ROWS"])
    response.vary.add("Accept")
    return response


def render_answer(found: Question, live, base, query, shown, allowed, variables, rows, truncated) -> Response:
    """Render the question's page: the form with the values used, the answer as a table, the other formats."""
    labeller = Labeller(live.store, docs.vocabulary(), base)
    table = [
        [labeller.term(t) if (t := cell_term(row.get(v))) is not None else None for v in variables] for row in rows
    ]
    params = {name: value for name, value in shown.items() if value}
    downloads = [(name, url_for("questions.question", slug=found.slug, format=name, **params)) for name in FORMATS]
    page = render_template(
        "question.html",
        question=found,
        kinds=KINDS,
        shown=shown,
        allowed=allowed,
        variables=variables,
        table=table,
        truncated=truncated,
        downloads=downloads,
        query=query,
        editor=url_for("ui.query_page", query=query, tabTitle=found.title),
    )
    return Response(page, mimetype="text/html")
