"""Linked Data: every `/id/…` and `/graph/…` IRI under the base answers with HTML or RDF, whatever the host."""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request

from kg.ids import DIP
from kg.web import conneg, docs
from kg.web.describe import (
    ARTICLE_TEXT,
    DATE_TYPES,
    DIP_REPORT,
    OWL_SAME_AS,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    Labeller,
    Views,
    about_document,
    describe,
    describe_graph,
    exists,
    for_readers,
    highlight,
    human_date,
    language_name,
    locate,
)
from kg.web.release import Release, get_release
from kg.web.structured import structured_data

bp = Blueprint("resources", __name__)

SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
MENTIONS = ox.NamedNode(str(DIP.mentions))
# Shown in the page's header or its own section, so left out of the generic property table.
_HEADER_PREDICATES = (RDF_TYPE, RDFS_LABEL, SKOS_ALT, OWL_SAME_AS, DIP_REPORT, ARTICLE_TEXT)
_WEB_ADDRESS = re.compile(r"^https?://[^/?#\s]+", re.IGNORECASE)
FIXED_ROOT = "https://w3id.org/diplomacy-kg/"  # ontology and shapes IRIs do not move with KG_BASE_IRI


@bp.app_template_filter("href")
def local_href(iri: str) -> str | None:
    """Return the link for an IRI: IRIs of this dataset and its vocabulary point at the server that answers.

    The link is root-relative, so it holds whatever Host header (even none or a malformed one) the
    request came with, and under a proxy that mounts the app below a path (SCRIPT_NAME). Other IRIs
    are links only when they are web addresses (http, https): None for `javascript:`, `data:`, `urn:`…,
    which pages show as text.
    """
    base = current_app.config["BASE_IRI"]
    for root in (base, FIXED_ROOT):
        if iri.startswith(root):
            return f"{request.script_root}/{iri[len(root) :]}"
    return iri if _WEB_ADDRESS.match(iri) else None


bp.add_app_template_filter(human_date, "human_date")
bp.add_app_template_filter(for_readers, "for_readers")
bp.add_app_template_filter(language_name, "language_name")
bp.add_app_template_global(DATE_TYPES, "date_types")

_QUOTE_MARKS = "\"'“”„‘’‚«»‹›"


@bp.app_template_filter("quoted")
def quoted(text: str) -> str:
    """Return evidence text in quotation marks, unless it opens with its own (a quote it reports)."""
    text = text.strip()
    return text if text[:1] in _QUOTE_MARKS else f"“{text}”"


_CURIE_PREFIXES = {
    **{ns: p for p, ns in PREFIXES.items()},
    "http://www.w3.org/ns/shacl#": "sh",
    "https://www.gdeltproject.org/data/cameo#": "cameo",
    "https://w3id.org/plover#": "plover",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#": "nif",
    "https://w3id.org/diplomacy-kg/shapes#": "dipsh",
}


@bp.app_template_filter("curie")
def curie(iri: str) -> str:
    """Return `prefix:name` for an IRI in a well-known namespace, else the IRI."""
    for namespace, prefix in _CURIE_PREFIXES.items():
        if iri.startswith(namespace) and "/" not in iri[len(namespace) :]:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@bp.get("/id/<path:path>")
def resource(path: str):
    """Answer for one data IRI: its page, or its description in the negotiated (or suffixed) RDF format.

    The IRI names the thing; `{IRI}.html`, `{IRI}.ttl`… name documents about it. A request for the IRI
    itself is answered 200 with the negotiated document, which the answer names in `Content-Location`
    and links as `rel="describedby"` (docs/linked-data.md says why not 303).
    """
    release = _release()
    iri, suffix_format = _resolve(release.store, f"id/{path}")
    fmt = suffix_format or _negotiate()
    if fmt != conneg.HTML:
        base = current_app.config["BASE_IRI"]
        document = f"{iri.value}.{fmt.suffix}"
        about = about_document(document, iri, f"{base}.well-known/void#dataset", _label(release, iri))
        response = rdf_response(describe(release.store, iri) + about, fmt, iri)
    else:
        response = _with_alternates(_vary(render_page(release, iri)), iri)
    if suffix_format is None:
        _name_document(response, iri, fmt)
    return response


def _name_document(response: Response, iri: ox.NamedNode, fmt) -> None:
    """Say which document answered for the IRI of a thing: `Content-Location` and `Link: rel="describedby"`."""
    suffix, media_type = ("html", conneg.HTML) if fmt == conneg.HTML else (fmt.suffix, fmt.media_type)
    document = f"{local_href(iri.value)}.{suffix}"
    response.headers["Content-Location"] = document
    link = f'<{document}>; rel="describedby"; type="{media_type}"'
    response.headers["Link"] = ", ".join(filter(None, (response.headers.get("Link"), link)))


def _label(release: Release, iri: ox.NamedNode) -> str:
    return Labeller(release.store, docs.vocabulary(), current_app.config["BASE_IRI"]).label(iri)


@bp.get("/graph/<path:path>")
def graph(path: str):
    """Answer for one named graph: a page listing what it holds, or its triples as RDF."""
    release = _release()
    iri, suffix_format = _resolve(release.store, f"graph/{path}")
    if not release.store.contains_named_graph(iri):
        return rdf_or_page_for_node(release, iri, suffix_format)
    fmt = suffix_format or _negotiate()
    if fmt != conneg.HTML:
        return rdf_response(describe_graph(release.store, iri), fmt, iri)
    views = Views(release.store, Labeller(release.store, docs.vocabulary(), current_app.config["BASE_IRI"]))
    subjects = {q.subject for q in release.store.quads_for_pattern(None, None, None, iri)}
    about = [s for s in subjects if isinstance(s, ox.NamedNode)]
    rows = sorted(
        ((views.labeller.term(s), views.types(s)) for s in about),
        key=lambda r: (r[1][0].label if r[1] else "", r[0].label),
    )
    article = next((t for t, types in rows if any(c.value == str(DIP.Article) for c in types)), None)
    size = sum(1 for _ in release.store.quads_for_pattern(None, None, None, iri))
    page = render_template(
        "graph.html",
        iri=iri.value,
        rows=rows,
        size=size,
        article=article,
        properties=views.properties(iri),
        formats=conneg.RDF_FORMATS,
    )
    return _vary(Response(page, mimetype="text/html"))


def rdf_or_page_for_node(release: Release, iri: ox.NamedNode, suffix_format):
    """Answer for an IRI under /graph/ that names no graph but is described (e.g. only as a subject)."""
    fmt = suffix_format or _negotiate()
    if fmt != conneg.HTML:
        return rdf_response(describe(release.store, iri), fmt, iri)
    return _vary(render_page(release, iri))


def render_page(release: Release, iri: ox.NamedNode) -> Response:
    """Render the HTML page of a resource: an article page for articles, an entity page for everything else."""
    views = Views(release.store, Labeller(release.store, docs.vocabulary(), current_app.config["BASE_IRI"]))
    types = views.types(iri)
    is_a = {t.value for t in types}
    is_article = str(DIP.Article) in is_a
    mentions = (MENTIONS,) if is_article else ()
    common = {
        "iri": iri.value,
        "jsonld": structured_data(release.store, docs.vocabulary() or release.store, views.labeller, iri),
        "label": views.labeller.label(iri),
        "types": types,
        "properties": views.properties(iri, skip=_HEADER_PREDICATES + mentions),
        "incoming": views.incoming(iri, skip=(MENTIONS,)),
        "formats": conneg.RDF_FORMATS,
    }
    if is_article:
        page = render_template("article.html", **common, **article_view(views, iri))
        return Response(page, mimetype="text/html")
    alt = sorted({q.object.value for q in release.store.quads_for_pattern(iri, SKOS_ALT, None)})
    same_as = sorted(
        {views.labeller.term(q.object) for q in release.store.quads_for_pattern(iri, OWL_SAME_AS, None)},
        key=lambda t: t.value,
    )
    page = render_template(
        "entity.html",
        **common,
        alt_labels=alt,
        same_as=same_as,
        summary=views.summary(iri),
        evidence=views.evidence(iri),
        holdings=views.holdings(iri) if str(DIP.Person) in is_a else [],
        holders=views.holders(iri) if str(DIP.Position) in is_a else [],
        events=views.events(iri),
        quotes=views.quotes(iri),
        quotes_at=views.quotes_at(iri),
        relations=views.relations(iri) if str(DIP.Country) in is_a else [],
        mentioned_in=views.mentioned_in(iri),
        report=views.report(iri) if str(DIP.Report) in is_a else None,
        same_quote=views.same_quote(iri) if str(DIP.Quote) in is_a else [],
    )
    return Response(page, mimetype="text/html")


def article_view(views: Views, article: ox.NamedNode) -> dict:
    """Return what the article page shows: metadata, mentions, facts and the text with each fact marked."""
    text_node = next(iter(views.store.quads_for_pattern(article, ARTICLE_TEXT, None)), None)
    text = text_node.object.value if text_node else None
    facts = views.article_facts(article)
    spans, unplaced = [], []
    for number, fact in enumerate(facts, start=1):
        place = locate(text, fact.evidence[0]) if text and fact.evidence else None
        if place:
            spans.append((*place, number))
        else:
            unplaced.append(number)
    mentions = [views.labeller.term(q.object) for q in views.store.quads_for_pattern(article, MENTIONS, None)]
    mentions_by_type: dict[str, list] = {}
    for term in sorted(set(mentions), key=lambda t: t.label):
        kinds = views.types(ox.NamedNode(term.value))
        mentions_by_type.setdefault(kinds[0].label if kinds else "Other", []).append(term)
    identifier = next(iter(views.store.quads_for_pattern(article, DCT_IDENTIFIER, None)), None)
    return {
        "untitled": next(iter(views.store.quads_for_pattern(article, DCT_TITLE, None)), None) is None,
        "identifier": identifier.object.value if identifier else None,
        "text": text,
        "segments": highlight(text, spans) if text else [],
        "facts": facts,
        "unplaced": unplaced,
        "mentions": dict(sorted(mentions_by_type.items())),
    }


def rdf_response(triples: list, fmt: conneg.Format, iri: ox.NamedNode) -> Response:
    """Serialize a description in `fmt` with the headers a Linked Data client expects."""
    if fmt.writer in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    body = ox.serialize(triples, format=fmt.writer, prefixes=PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    response.headers["Link"] = f'<{iri.value}>; rel="canonical"'
    return _vary(response)


def _with_alternates(response: Response, iri: ox.NamedNode) -> Response:
    """Point RDF clients that were sent the page at the same description in each RDF format."""
    here = local_href(iri.value)  # root-relative: RFC 8288 resolves it against the request's own URL
    links = [f'<{iri.value}>; rel="canonical"']
    links += [f'<{here}.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in conneg.RDF_FORMATS[:4]]
    response.headers["Link"] = ", ".join(links)
    return response


def _resolve(store: ox.Store, path: str) -> tuple[ox.NamedNode, conneg.Format | str | None]:
    """Map a request path to the IRI it names under the base, with the format a suffix (`.ttl`, `.html`) asks for."""
    base = current_app.config["BASE_IRI"]
    iri = _node(base + path)
    if iri is not None and exists(store, iri):
        return iri, None
    stem, dot, suffix = path.rpartition(".")
    fmt = _suffix(suffix) if dot and "/" not in suffix else None
    iri = _node(base + stem) if fmt else None
    if iri is not None and exists(store, iri):
        return iri, fmt
    abort(404)


def _suffix(suffix: str) -> conneg.Format | str | None:
    """Return the format a file suffix asks for: an RDF format, `HTML` for `.html`, or None."""
    return conneg.HTML if suffix.lower() in ("html", "htm") else conneg.by_name(conneg.RDF_FORMATS, suffix)


def _node(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _negotiate():
    fmt = conneg.negotiate(request.accept_mimetypes, conneg.RDF_FORMATS, html=True)
    if fmt is None:
        accepted = ", ".join([conneg.HTML, *(f.media_type for f in conneg.RDF_FORMATS)])
        abort(
            _vary(
                Response(f"406 Not Acceptable: this resource is available as {accepted}\n", 406, mimetype="text/plain")
            )
        )
    return fmt


def _release() -> Release:
    release = get_release()
    if release is None:
        abort(
            Response(
                "503 Service Unavailable: no graph has been published yet; run `kg build`.\n",
                503,
                mimetype="text/plain",
            )
        )
    return release


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


@bp.get("/ontology")
@bp.get("/ontology/<path:rest>")
def ontology(rest: str = ""):
    """Answer for the ontology and its terms: generated documentation, or the ontology file by conneg."""
    path = docs.ontology_file()
    if rest:
        rest, suffix_format = _vocabulary_suffix(rest)
        if not _defines(docs.load(path), f"{FIXED_ROOT}ontology/{rest}"):
            abort(404)
    else:
        suffix_format = None
    return _document(path, suffix_format, lambda graph: render_template("ontology.html", **docs.ontology_doc(graph)))


@bp.get("/ontology.<suffix>")
def ontology_file(suffix: str):
    """Answer `/ontology.ttl` and the like: the ontology in the format its suffix names."""
    return _document(docs.ontology_file(), _suffix_format(suffix), None)


@bp.get("/shapes")
def shapes():
    """Answer for the shapes: a page listing each shape and what it checks, or the shapes file by conneg."""
    return _document(
        docs.shapes_file(), None, lambda graph: render_template("shapes.html", shapes=docs.shapes_doc(graph))
    )


@bp.get("/shapes.<suffix>")
def shapes_file(suffix: str):
    """Answer `/shapes.ttl` and the like: the shapes in the format its suffix names."""
    return _document(docs.shapes_file(), _suffix_format(suffix), None)


def _document(path, suffix_format, render):
    """Serve a vocabulary file: the Turtle file as written, another RDF format, or its HTML documentation."""
    if not path.exists():
        abort(404)
    fmt = suffix_format or (_negotiate() if render else conneg.RDF_FORMATS[0])
    if fmt == conneg.HTML:
        return _vary(Response(render(docs.load(path)), mimetype="text/html"))
    if fmt.writer == ox.RdfFormat.TURTLE:
        return _vary(Response(path.read_bytes(), content_type=fmt.content_type))
    triples = [
        ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]
    return rdf_response(triples, fmt, ox.NamedNode(f"{FIXED_ROOT}{path.stem}"))


def _suffix_format(suffix: str) -> conneg.Format:
    fmt = conneg.by_name(conneg.RDF_FORMATS, suffix)
    if fmt is None:
        abort(404)
    return fmt


def _vocabulary_suffix(rest: str) -> tuple[str, conneg.Format | None]:
    stem, dot, suffix = rest.rpartition(".")
    fmt = conneg.by_name(conneg.RDF_FORMATS, suffix) if dot else None
    return (stem, fmt) if fmt else (rest, None)


def _defines(graph, iri: str) -> bool:
    """Return whether the vocabulary names `iri` or terms in its namespace (`iri#…`)."""
    return any(str(n) == iri or str(n).startswith(iri + "#") for t in graph for n in (t[0], t[2]))
