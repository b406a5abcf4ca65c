"""Views over time: a country pair on a time axis, an actor network, and each outlet's framing of one event.

Each view is a page (`/views/pair`, `/views/network`, `/views/framing`) and a JSON document the page draws
from (`…/data.json`, same parameters). Parameters are resolved to IRIs of the release and bound into fixed
queries as terms (`Views.select` substitutions); one that names nothing in the graph is a 400 naming it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from kg.ids import DIP
from kg.web import docs
from kg.web.describe import Labeller, Views
from kg.web.release import Release, get_release
from kg.web.resources import local_href

bp = Blueprint("views", __name__, url_prefix="/views")

STATUS = "https://w3id.org/diplomacy-kg/ontology/status#"
# Events that open or close a state of a relation: (status the band shows, True when the event opens it).
STATE_EVENTS = {
    str(DIP.DiplomaticRelationsEstablished): ("diplomatic-relations", True),
    str(DIP.RelationsSevered): ("diplomatic-relations", False),
    str(DIP.BorderClosure): ("border-closed", True),
    str(DIP.BorderOpening): ("border-closed", False),
}
_YEAR = re.compile(r"^\d{4}$")
MAX_LABELS = 500

# An entity takes part in an event as participant, host or mediator; a country also through the offices
# its people hold and the places that lie in it.
_EVENTS_OF_COUNTRY = """SELECT DISTINCT ?country ?event WHERE {
  ?event a ?type . { ?type rdfs:subClassOf* dip:Event } UNION { FILTER(?type = dip:Event) }
  { ?event dip:participant|dip:host|dip:mediator|dip:place ?country }
  UNION { ?event dip:participant|dip:host|dip:mediator ?person .
          ?holding dip:holder ?person ; dip:position/dip:jurisdiction ?country }
  UNION { ?event dip:place/dip:locatedIn ?country }
}"""
_EVENT = """SELECT DISTINCT ?event ?date ?report ?article WHERE {
  OPTIONAL { ?event dip:date ?date }
  OPTIONAL { ?event dip:report ?report . ?report dip:reportedIn ?article }
}"""
_RELATIONS = """SELECT DISTINCT ?a ?b ?relation ?status ?since ?until WHERE {
  ?relation a dip:BilateralRelation ; dip:party ?a, ?b ; dip:status ?status .
  OPTIONAL { ?relation dip:since ?since } OPTIONAL { ?relation dip:until ?until }
}"""
_FIRST_REPORT = """SELECT ?fact (MIN(?issued) AS ?first) WHERE {
  ?fact dip:report/dip:reportedIn ?article . ?article dct:issued ?issued } GROUP BY ?fact"""
_COUNTRIES = """SELECT DISTINCT ?country WHERE { ?country a dip:Country .
  FILTER EXISTS { ?event dip:participant|dip:host|dip:mediator|dip:place|dip:party ?country } }"""
_ACTORS = """SELECT DISTINCT ?event ?actor ?date WHERE {
  ?event a ?type . { ?type rdfs:subClassOf* dip:Event } UNION { FILTER(?type = dip:Event) }
  ?event dip:participant|dip:host|dip:mediator ?actor .
  VALUES ?class { dip:Person dip:Country dip:Organization } ?actor a ?class .
  OPTIONAL { ?event dip:date ?date }
}"""
_FRAMED = """SELECT ?event (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?event dip:report/dip:reportedIn ?article ; a/rdfs:subClassOf* dip:Event .
} GROUP BY ?event HAVING (COUNT(DISTINCT ?article) > 1)"""
_INSTANCE = """SELECT ?node ?cls WHERE { ?node a/rdfs:subClassOf* ?cls } LIMIT 1"""
_OUTLET = """SELECT DISTINCT ?article ?publisher ?url WHERE {
  OPTIONAL { ?article dct:publisher ?publisher } OPTIONAL { ?article schema:url ?url } }"""


@dataclass
class TimedEvent:
    """An event on a time axis: what it was, when (with the precision the graph gives), how many sources."""

    iri: str
    href: str | None
    label: str
    kind: str
    date: str | None
    start: str | None
    sources: int


@dataclass
class Band:
    """A stretch of time in which two countries' relation was in one state, and what says so."""

    status: str
    label: str
    start: str | None  # None: neither the statement nor its articles carry a date
    end: str | None
    basis: str
    href: str | None
    evidence: list[str] = field(default_factory=list)


@dataclass
class Edge:
    """Two actors that took part in the same events, weighted by how many."""

    source: str
    target: str
    weight: int
    events: list[str]


# --------------------------------------------------------------------------- reading the graph


def views_of(release: Release) -> Views:
    """Return the page views of a release, labelled from the release and the vocabulary."""
    return Views(release.store, Labeller(release.store, docs.vocabulary(), current_app.config["BASE_IRI"]))


def start_of(value: str | None) -> str | None:
    """Return the first day an xsd:date, gYearMonth or gYear names (`2023` → `2023-01-01`), else None."""
    if not value or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return None
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def events_of(views: Views, country: ox.NamedNode) -> set[ox.NamedNode]:
    """Return the events a country takes part in, directly, through its office holders or its places."""
    return {row["event"] for row in views.select(_EVENTS_OF_COUNTRY, country=country)}


def timed_event(views: Views, event: ox.NamedNode) -> TimedEvent:
    """Return an event as a time axis shows it."""
    rows = views.select(_EVENT, event=event)
    date = next((r["date"].value for r in rows if r["date"] is not None), None)
    kinds = views.types(event)
    return TimedEvent(
        iri=event.value,
        href=local_href(event.value),
        label=views.labeller.label(event),
        kind=kinds[0].label if kinds else "Event",
        date=date,
        start=start_of(date),
        sources=len({r["article"] for r in rows if r["article"] is not None}),
    )


def pair_events(views: Views, a: ox.NamedNode, b: ox.NamedNode) -> list[TimedEvent]:
    """Return the events both countries take part in, by date (undated last)."""
    found = [timed_event(views, event) for event in events_of(views, a) & events_of(views, b)]
    return sorted(found, key=lambda e: (e.start or "9999", e.label))


def pair_bands(views: Views, a: ox.NamedNode, b: ox.NamedNode, events: list[TimedEvent]) -> list[Band]:
    """Return the states of the two countries' relation over time, from relation statements and state events."""
    bands = [_relation_band(views, row) for row in views.select(_RELATIONS, a=a, b=b)]
    opened: dict[str, TimedEvent] = {}
    for event in (e for e in events if e.start):
        status, opens = _state_event(views, event)
        if status is None:
            continue
        if opens:
            opened.setdefault(status, event)
        elif status in opened:
            bands.append(_event_band(views, status, opened.pop(status), event.start))
    bands += [_event_band(views, status, event, None) for status, event in opened.items()]
    return sorted(bands, key=lambda band: (band.start or "9999", band.label))


def _state_event(views: Views, event: TimedEvent) -> tuple[str | None, bool]:
    for kind in views.types(ox.NamedNode(event.iri)):
        if kind.value in STATE_EVENTS:
            return STATE_EVENTS[kind.value]
    return None, False


def _relation_band(views: Views, row: dict) -> Band:
    since, until = row["since"], row["until"]
    start, basis = start_of(since.value if since else None), "since"
    if start is None:
        first = views.select(_FIRST_REPORT, fact=row["relation"])
        start, basis = start_of(first[0]["first"].value if first and first[0]["first"] else None), "reported"
    return Band(
        status=row["status"].value.removeprefix(STATUS),
        label=views.labeller.label(row["status"]),
        start=start,
        end=start_of(until.value) if until else None,
        basis=basis,
        href=local_href(row["relation"].value),
        evidence=[e.text for e in views.evidence(row["relation"])],
    )


def _event_band(views: Views, status: str, opening: TimedEvent, end: str | None) -> Band:
    return Band(
        status=status,
        label=views.labeller.label(ox.NamedNode(STATUS + status)),
        start=opening.start,
        end=end,
        basis="event",
        href=opening.href,
        evidence=[e.text for e in views.evidence(ox.NamedNode(opening.iri))],
    )


def countries(views: Views) -> list[dict]:
    """Return the countries that take part in something, by label, for the pair chooser."""
    found = [row["country"] for row in views.select(_COUNTRIES)]
    return sorted(({"slug": c.value.rsplit("/", 1)[-1], "label": views.labeller.label(c)} for c in found), key=_label)


def network(views: Views, year: str | None) -> dict:
    """Return who took part in events with whom (in `year`, or ever): nodes and edges weighted by shared events."""
    actors: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    years: set[str] = set()
    for row in views.select(_ACTORS):
        date = row["date"].value if row["date"] is not None else ""
        years.update([date[:4]] if _YEAR.match(date[:4]) else [])
        if year is None or date.startswith(year):
            actors.setdefault(row["event"], set()).add(row["actor"])
    pairs: dict[tuple[str, str], list[str]] = {}
    for event, members in actors.items():
        for one, other in itertools.combinations(sorted(m.value for m in members), 2):
            pairs.setdefault((one, other), []).append(event.value)
    edges = [Edge(s, t, len(events), sorted(events)) for (s, t), events in sorted(pairs.items())]
    linked = sorted({iri for edge in edges for iri in (edge.source, edge.target)})
    return {
        "year": year,
        "years": sorted(years),
        "nodes": [_node(views, ox.NamedNode(iri), pairs) for iri in linked],
        "edges": [asdict(edge) for edge in edges],
    }


def _node(views: Views, actor: ox.NamedNode, pairs: dict) -> dict:
    kinds = views.types(actor)
    events = {e for (s, t), found in pairs.items() if actor.value in (s, t) for e in found}
    return {
        "id": actor.value,
        "href": local_href(actor.value),
        "label": views.labeller.label(actor),
        "kind": kinds[0].label if kinds else "Entity",
        "events": len(events),
    }


def framed_events(views: Views) -> list[dict]:
    """Return the events reported by more than one article, most reported first, for the framing chooser."""
    rows = views.select(_FRAMED)
    base = current_app.config["BASE_IRI"]
    found = [
        {
            "iri": r["event"].value,
            "param": r["event"].value.removeprefix(base),
            "label": views.labeller.label(r["event"]),
            "articles": int(r["articles"].value),
        }
        for r in rows
    ]
    return sorted(found, key=lambda e: (-e["articles"], e["label"]))


def framing(views: Views, event: ox.NamedNode) -> dict:
    """Return one event as each article words it: outlet, date, wording and evidence sentence, by date."""
    reports = []
    for evidence in views.evidence(event):
        article = ox.NamedNode(evidence.article.value) if evidence.article else None
        outlets = views.select(_OUTLET, article=article) if article else []
        where = local_href(evidence.article.value) if evidence.article else None
        reports.append(
            {
                "article": evidence.article.label if evidence.article else None,
                "href": f"{where}#at-{evidence.begin}" if where and evidence.begin is not None else where,
                "outlet": _outlet(outlets[0]) if outlets else None,
                "issued": evidence.issued,
                "wording": evidence.wording,
                "evidence": evidence.text,
            }
        )
    return {"event": timed_event(views, event).__dict__, "reports": reports}


def _outlet(row: dict) -> str | None:
    """Return who published an article: its publisher, else the web site its address is on."""
    if row["publisher"] is not None:
        return row["publisher"].value
    return urlsplit(row["url"].value).hostname if row["url"] is not None else None


def _label(row: dict) -> str:
    return row["label"].casefold()


# --------------------------------------------------------------------------- parameters


def _bad(message: str):
    abort(Response(f"400 Bad Request: {message}\n", 400, mimetype="text/plain"))


def resource_parameter(views: Views, name: str, kind: str, cls: ox.NamedNode) -> ox.NamedNode | None:
    """Return the IRI a query parameter names (a slug, `id/<kind>/<slug>` or a full IRI) if it is a `cls`."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    base = current_app.config["BASE_IRI"]
    if "://" in value:
        iri = value
    elif value.startswith("id/"):
        iri = base + value
    else:
        iri = f"{base}id/{kind}/{value}"
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        _bad(f"parameter {name!r}: {value!r} is not an IRI or a name of one")
    if not views.select(_INSTANCE, node=node, cls=cls):
        _bad(f"parameter {name!r}: {value!r} names no {readable_class(cls)} of this graph")
    return node


def readable_class(cls: ox.NamedNode) -> str:
    """Return a class name for messages (`dip:Country` → `country`)."""
    return cls.value.rsplit("#", 1)[-1].lower()


def year_parameter() -> str | None:
    """Return the `year` query parameter (four digits), None when absent; a 400 when malformed."""
    value = request.args.get("year", "").strip()
    if value and not _YEAR.match(value):
        _bad(f"parameter 'year': {value!r} is not a year of four digits")
    return value or None


def _release() -> Release:
    release = get_release()
    if release is None:
        abort(Response("503 Service Unavailable: no graph has been published yet; run `kg build`.\n", 503))
    return release


def _today(release: Release) -> str:
    try:
        return dt.datetime.strptime(release.build_id, "%Y%m%dT%H%M%S%fZ").date().isoformat()
    except ValueError:
        return dt.date.today().isoformat()


# --------------------------------------------------------------------------- pages and data


@bp.get("/")
def index():
    """List the views."""
    return render_template("views_index.html")


def _pair(release: Release) -> tuple[Views, dict]:
    views = views_of(release)
    a = resource_parameter(views, "a", "country", ox.NamedNode(str(DIP.Country)))
    b = resource_parameter(views, "b", "country", ox.NamedNode(str(DIP.Country)))
    if (a is None) != (b is None):
        _bad("parameters 'a' and 'b': give two countries, or neither to choose them")
    if a is not None and a == b:
        _bad("parameters 'a' and 'b': name two different countries")
    if a is None:
        return views, {"a": None, "b": None, "events": [], "bands": []}
    events = pair_events(views, a, b)
    bands = pair_bands(views, a, b, events)
    return views, {
        "a": {"iri": a.value, "href": local_href(a.value), "label": views.labeller.label(a)},
        "b": {"iri": b.value, "href": local_href(b.value), "label": views.labeller.label(b)},
        "today": _today(release),
        "events": [asdict(e) for e in events],
        "bands": [asdict(band) for band in bands],
    }


@bp.get("/pair")
def pair_page():
    """Show two countries over time: their shared events on a time axis with bands for their relation."""
    views, data = _pair(_release())
    args = request.args
    return render_template(
        "views_pair.html", data=data, countries=countries(views), chosen=(args.get("a", ""), args.get("b", ""))
    )


@bp.get("/pair/data.json")
def pair_data():
    """Answer the pair view's data as JSON."""
    _, data = _pair(_release())
    if data["a"] is None:
        _bad("parameters 'a' and 'b': two countries are required")
    return jsonify(data)


@bp.get("/network")
def network_page():
    """Show who took part in events with whom, optionally in one year."""
    data = network(views_of(_release()), year_parameter())
    return render_template("views_network.html", data=data)


@bp.get("/network/data.json")
def network_data():
    """Answer the actor network as JSON."""
    return jsonify(network(views_of(_release()), year_parameter()))


def _framing(release: Release) -> tuple[Views, dict | None]:
    views = views_of(release)
    event = resource_parameter(views, "event", "event", ox.NamedNode(str(DIP.Event)))
    if event is None and request.args.get("event") is None:
        return views, None
    if event is None:
        _bad("parameter 'event': name an event")
    return views, framing(views, event)


@bp.get("/framing")
def framing_page():
    """Show one event as each article words it, side by side (or the events reported more than once)."""
    views, data = _framing(_release())
    return render_template("views_framing.html", data=data, choices=framed_events(views))


@bp.get("/framing/data.json")
def framing_data():
    """Answer one event's framings as JSON."""
    _, data = _framing(_release())
    if data is None:
        _bad("parameter 'event': an event is required")
    return jsonify(data)


@bp.get("/labels.json")
def labels():
    """Answer the labels of up to 500 IRIs (`iri` repeated), for pages that show IRIs found by a query."""
    iris = request.args.getlist("iri")
    if not iris or len(iris) > MAX_LABELS:
        _bad(f"parameter 'iri': give between 1 and {MAX_LABELS} IRIs")
    views = views_of(_release())
    found = {}
    for iri in dict.fromkeys(iris):
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            _bad(f"parameter 'iri': {iri!r} is not an IRI")
        found[iri] = {"label": views.labeller.label(node), "href": local_href(iri)}
    return jsonify(found)
