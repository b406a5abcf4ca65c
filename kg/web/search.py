"""Search: a JSON API in the style of Wikidata's `wbsearchentities`, and a results page with type filters.

Both read the search index published with the release being served (kg/search.py). A release published
before the index existed gets one built on first use, in a temporary folder, from its store.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request

from kg.search import HIDDEN_UNLESS_ASKED, Results, SearchError, SearchIndex, build_index
from kg.web.release import Release, get_release
from kg.web.resources import local_href

bp = Blueprint("search", __name__)

MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_OFFSET = 10_000
PAGE_SIZE = 20
LANGUAGES = ("en",)


class BadParameter(ValueError):
    """A search parameter that cannot be used; the message names it and says what it accepts."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SearchRequest:
    """The parameters of one search, checked."""

    text: str
    types: tuple[str, ...]
    limit: int
    offset: int


def init_app(app: Flask) -> None:
    """Register the search routes and the cache of indexes built for releases published without one."""
    app.extensions["kg_search_built"] = {}
    app.extensions["kg_search_lock"] = threading.Lock()
    app.register_blueprint(bp)


def index_of(release: Release) -> SearchIndex:
    """Return the search index of a release: the one published with it, else one built now from its store."""
    if release.search_index.exists():
        return SearchIndex(release.search_index)
    built: dict = current_app.extensions["kg_search_built"]
    with current_app.extensions["kg_search_lock"]:
        if release.path not in built:
            folder = Path(tempfile.mkdtemp(prefix="kg-search-"))
            build_index(release.store, folder / release.search_index.name, current_app.config["BASE_IRI"])
            built[release.path] = SearchIndex(folder / release.search_index.name)
        return built[release.path]


def parse(args, types: dict[str, str], page_size: int | None = None) -> SearchRequest:
    """Check the query string of a search (`q` or `search`, `type`, `limit`, `continue`, `language`)."""
    text = (args.get("q") if args.get("q") is not None else args.get("search", "")).strip()
    if not text:
        raise BadParameter("missingparam", "the `q` parameter must be set to the words to look for")
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameter("toolong", f"`q` is {len(text)} characters long; at most {MAX_QUERY_CHARS} are accepted")
    language = args.get("language", "en")
    if language not in LANGUAGES:
        raise BadParameter("badvalue", f"language={language!r}: names are indexed in {', '.join(LANGUAGES)} only")
    known = {name.casefold(): name for name in {*types, *types.values()}}
    chosen = []
    for name in filter(None, (part.strip() for raw in args.getlist("type") for part in raw.split(","))):
        if name.casefold() not in known:
            classes = ", ".join(sorted(known.values()))
            raise BadParameter("badvalue", f"type={name!r} is not a class in this release; one of: {classes}")
        chosen.append(known[name.casefold()])
    limit = page_size or _number(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _number(args, "continue", 0, 0, MAX_OFFSET)
    return SearchRequest(text, tuple(dict.fromkeys(chosen)), limit, offset)


def _number(args, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise BadParameter("badinteger", f"{name}={raw!r}: expected a whole number from {low} to {high}")
    return int(raw)


@bp.get("/api/search")
def api():
    """Answer a search as JSON: the resources whose names start with the words of `q`, best first."""
    release = get_release()
    if release is None:
        return _error(503, "unavailable", "no graph has been published yet; run `kg build`")
    index = index_of(release)
    try:
        wanted = parse(request.args, index.types())
        results = index.search(wanted.text, wanted.types, wanted.limit, wanted.offset)
    except BadParameter as error:
        return _error(400, error.code, str(error))
    except SearchError as error:
        return _error(400, "badvalue", f"q={request.args.get('q', request.args.get('search'))!r}: {error}")
    body = {
        "searchinfo": {"search": wanted.text},
        "search": [
            {
                "id": hit.iri,
                "iri": hit.iri,
                "concepturi": hit.iri,
                "url": local_href(hit.iri),
                "label": hit.label,
                "type": hit.type,
                "family": hit.family,
                "description": hit.description,
                "match": {"type": hit.match_type, "language": hit.lang, "text": hit.match_text},
            }
            for hit in results.hits
        ],
        "total": results.total,
        "success": 1,
    }
    if wanted.offset + wanted.limit < results.total:
        body["search-continue"] = wanted.offset + wanted.limit
    return jsonify(body)


def _error(status: int, code: str, info: str) -> Response:
    """Return an error the way wbsearchentities does: `{"error": {"code", "info"}}`."""
    response = jsonify({"error": {"code": code, "info": info}})
    response.status_code = status
    return response


@bp.get("/search")
def page():
    """Render the results page: every match, filters by class with their counts, pages of twenty."""
    release = get_release()
    if release is None:
        abort(503)
    index = index_of(release)
    types = index.types()
    if not request.args.get("q", "").strip():
        families = _families(types)
        return render_template("search.html", query="", search_text="", results=None, chosen=(), families=families)
    try:
        wanted = parse(request.args, types, page_size=PAGE_SIZE)
        results = index.search(wanted.text, wanted.types, wanted.limit, wanted.offset)
    except (BadParameter, SearchError) as error:
        body = render_template(
            "search.html",
            query=request.args.get("q", ""),
            search_text=request.args.get("q", ""),
            error=str(error),
            results=None,
        )
        return Response(body, 400, mimetype="text/html")
    return render_template(
        "search.html",
        query=wanted.text,
        search_text=wanted.text,
        results=results,
        chosen=wanted.types,
        offset=wanted.offset,
        page_size=PAGE_SIZE,
        facets=facets(results, types),
        everything=sum(n for name, n in results.by_type.items() if types.get(name, name) not in HIDDEN_UNLESS_ASKED),
    )


def facets(results: Results, types: dict[str, str]) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Group the hits' classes by family (every event kind under Event): (family, count, [(class, count)])."""
    grouped: dict[str, list[tuple[str, int]]] = {}
    for name, count in results.by_type.items():
        grouped.setdefault(types.get(name, name), []).append((name, count))
    out = [(family, sum(n for _, n in kinds), kinds) for family, kinds in grouped.items()]
    return sorted(out, key=lambda f: (f[0] in HIDDEN_UNLESS_ASKED, -f[1], f[0]))  # reports last: listed on request


def _families(types: dict[str, str]) -> list[str]:
    return sorted(set(types.values()))
