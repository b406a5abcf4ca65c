"""The home page: what the graph holds, a timeline of its events, its articles and those held back."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template

from kg.publish import HELD_BACK_REPORT, HELD_BACK_TEXT, REPORT_FILE, REPORT_TEXT
from kg.web import docs
from kg.web.describe import Labeller, Term, Views, human_date
from kg.web.release import get_release

bp = Blueprint("home", __name__)

SH = "http://www.w3.org/ns/shacl#"
_COUNTED = (  # class, what the home page calls its instances, the segment of their IRIs (their list: /id/<segment>/)
    ("Article", "articles", "article"),
    ("Country", "countries", "country"),
    ("Person", "people", "person"),
    ("Organization", "organizations", "organization"),
    ("Place", "places", "place"),
    ("Agreement", "agreements", "agreement"),
    ("InfrastructureProject", "infrastructure projects", "project"),
    ("Quote", "quotes", "quote"),
    ("BilateralRelation", "bilateral relation statuses", "relation"),
)
_COUNTS = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"""
_ALL_EVENTS = """SELECT (COUNT(DISTINCT ?event) AS ?n) WHERE {
  ?event a ?type . { ?type rdfs:subClassOf* dip:Event } UNION { FILTER(?type = dip:Event) } }"""
_EVENTS = """SELECT ?event ?date ?type (COUNT(DISTINCT ?report) AS ?reports) WHERE {
  ?event dip:date ?date ; a ?type .
  { ?type rdfs:subClassOf* dip:Event } UNION { FILTER(?type = dip:Event) }
  OPTIONAL { ?event dip:report ?report }
} GROUP BY ?event ?date ?type"""
_ARTICLES = """SELECT ?article ?issued ?publisher WHERE {
  ?article a dip:Article . OPTIONAL { ?article dct:issued ?issued } OPTIONAL { ?article dct:publisher ?publisher }
}"""


@dataclass
class TimelineEntry:
    """One dated event on the home page's timeline."""

    event: Term
    kind: Term
    date: str
    sources: int


@bp.app_template_filter("build_time")
def build_time(build_id: str | None) -> str:
    """Return when a build ran, read off its id (`20240827T101500123456Z` → `27 Aug 2024, 10:15 UTC`)."""
    try:
        when = dt.datetime.strptime(build_id or "", "%Y%m%dT%H%M%S%fZ")
    except ValueError:
        return "at an unknown time"
    return f"{human_date(when.date().isoformat())}, {when:%H:%M} UTC"


@bp.get("/")
def index():
    """Render the home page of the live release (or say how to publish one)."""
    release = get_release()
    if release is None:
        return render_template("home.html", release=None)
    views = Views(release.store, Labeller(release.store, docs.vocabulary(), current_app.config["BASE_IRI"]))
    counts = _counts(views)
    return render_template(
        "home.html",
        release=release,
        counts=counts,
        timeline=_timeline(views),
        articles=_articles(views),
        validation=validation_summary(release.dumps, release.build_id),
        held_back=release.manifest.get("heldBack", []),
        held_back_files={"txt": HELD_BACK_TEXT, "ttl": HELD_BACK_REPORT},
    )


def _counts(views: Views) -> list[tuple[str, int, str]]:
    dip = "https://w3id.org/diplomacy-kg/ontology#"
    found = {row["class"].value: int(row["n"].value) for row in views.select(_COUNTS)}
    counts = [(plural, found.get(dip + name, 0), segment) for name, plural, segment in _COUNTED]
    counts.insert(1, ("events", int(views.select(_ALL_EVENTS)[0]["n"].value), "event"))
    return [(label, n, segment) for label, n, segment in counts if n]


def _timeline(views: Views) -> dict[str, list[TimelineEntry]]:
    entries: dict = {}
    # An event reported as several kinds (a "meeting" here, "talks" there) shows the first specific kind by name,
    # whatever order the store gives the rows in.
    for row in views.select(_EVENTS):
        entry = entries.get(row["event"])
        kind = views.labeller.term(row["type"])
        if entry is None or _kind_order(kind) < _kind_order(entry.kind):
            entries[row["event"]] = TimelineEntry(
                views.labeller.term(row["event"]), kind, row["date"].value, int(row["reports"].value)
            )
    by_year: dict[str, list[TimelineEntry]] = {}
    for entry in sorted(entries.values(), key=lambda e: (e.date, e.event.label), reverse=True):
        by_year.setdefault(entry.date[:4], []).append(entry)
    return by_year


def _kind_order(kind) -> tuple[bool, str]:
    """Order an event's kinds: specific ones before the generic "Event", then by name."""
    return kind.label == "Event", kind.label


def _articles(views: Views) -> list[dict]:
    rows = views.select(_ARTICLES)
    articles = [
        {
            "article": views.labeller.term(r["article"]),
            "issued": r["issued"] and r["issued"].value,
            "publisher": r["publisher"] and r["publisher"].value,
        }
        for r in rows
    ]
    return sorted(articles, key=lambda a: a["issued"] or "", reverse=True)


def validation_summary(dumps: Path, build_id: str) -> dict | None:
    """Return whether the release's validation report conforms and how many results of each severity it has."""
    if not (dumps / REPORT_FILE).exists():
        return None
    return _summary(dumps / REPORT_FILE, build_id)


@functools.lru_cache(maxsize=8)
def _summary(path: Path, build_id: str) -> dict:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    conforms = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(SH + "conforms"), None)]
    severities: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(SH + "resultSeverity"), None):
        name = quad.object.value.rsplit("#", 1)[-1]
        severities[name] = severities.get(name, 0) + 1
    return {
        "conforms": conforms[0] == "true" if conforms else None,
        "severities": severities,
        "ttl": REPORT_FILE,
        "txt": REPORT_TEXT if (path.parent / REPORT_TEXT).exists() else None,
    }
