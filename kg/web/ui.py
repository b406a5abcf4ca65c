"""The query UI at /query: YASGUI from the app's own static files, prefixes and example queries preloaded."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

from flask import Blueprint, current_app, render_template, request, url_for

from kg.ids import DEFAULT_BASE
from kg.web.evaluate import PREFIXES
from kg.web.resources import FIXED_ROOT

bp = Blueprint("ui", __name__)

_HEADER = re.compile(r"^#\s*(title|description):\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    """A canned query shipped as kg/queries/<name>.rq, with `# title:` and `# description:` header lines."""

    name: str
    title: str
    description: str
    query: str


@cache
def _examples() -> tuple[Example, ...]:
    found = []
    for entry in sorted(resources.files("kg.queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            header = dict(_HEADER.findall(text))
            name = entry.name.removesuffix(".rq")
            found.append(Example(name, header.get("title", name), header.get("description", ""), text))
    return tuple(found)


def examples(base: str = DEFAULT_BASE) -> list[Example]:
    """Return the example queries, their data IRIs rewritten for a deployment whose base IRI is `base`."""
    return [Example(e.name, e.title, e.description, e.query.replace(DEFAULT_BASE, base)) for e in _examples()]


def prefixes() -> dict[str, str]:
    """Return the prefixes the editor starts with: the ontology's, plus rdf."""
    found = dict(PREFIXES)
    found["rdf"] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    return dict(sorted(found.items()))


@bp.get("/query")
def query_page():
    """Show the query editor."""
    return render_query_page()


def render_query_page():
    """Render the query UI, pointed at this server's /sparql."""
    settings = current_app.config
    current_app.extensions["kg_query_pool"].warm()
    endpoint = url_for("sparql.endpoint")
    found = examples(settings["BASE_IRI"])
    config = {
        "endpoint": endpoint,
        "prefixes": prefixes(),
        "examples": [asdict(e) for e in found],
        "local": {root: f"{request.script_root}/" for root in (settings["BASE_IRI"], FIXED_ROOT)},
        "labels": url_for("views.labels"),
    }
    return render_template(
        "query.html",
        endpoint=endpoint,
        examples=found,
        config=config,
        max_rows=settings["MAX_ROWS"],
        timeout=settings["QUERY_TIMEOUT"],
    )
