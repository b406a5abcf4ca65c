"""Describe one resource of a release: its RDF description and the views its HTML page is made of.

Every lookup is a quad pattern or a fixed SPARQL query whose only input is a term passed through
`substitutions`: no text from a request is ever pasted into a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.ids import DEFAULT_BASE, DIP

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
DIP_REPORT = ox.NamedNode(str(DIP.report))
DIP_PARTY = ox.NamedNode(str(DIP.party))
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
ARTICLE_TEXT = ox.NamedNode(str(DIP.articleText))
LABELS = (RDFS_LABEL, SKOS_PREF, DCT_TITLE)

PREFIXES = {
    "dip": str(DIP),
    "dipst": "https://w3id.org/diplomacy-kg/ontology/status#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
}
_SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

# Where an external IRI points, for readable link text on the pages.
EXTERNAL_SITES = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("http://dbpedia.org/resource/", "DBpedia"),
    ("https://sws.geonames.org/", "GeoNames"),
)


# --------------------------------------------------------------------------- RDF description


def exists(store: ox.Store, iri: ox.NamedNode) -> bool:
    """Return whether the release says anything about `iri` (as subject, object or named graph)."""
    return (
        _first(store.quads_for_pattern(iri, None, None)) is not None
        or _first(store.quads_for_pattern(None, None, iri)) is not None
        or store.contains_named_graph(iri)
    )


def describe(store: ox.Store, iri: ox.NamedNode) -> list[ox.Triple]:
    """Return the description of `iri`: own triples, incoming triples, reports with evidence, labels of neighbours."""
    own = _triples(store.quads_for_pattern(iri, None, None))
    own += _blank_closure(store, own)
    reports = [t.object for t in own if t.predicate == DIP_REPORT and isinstance(t.object, ox.NamedNode)]
    for report in reports:
        own += _triples(store.quads_for_pattern(report, None, None))
    incoming = _triples(store.quads_for_pattern(None, None, iri))
    neighbours = {t.object for t in own if isinstance(t.object, ox.NamedNode)} | {t.subject for t in incoming}
    labels = [t for node in sorted(neighbours - {iri}, key=str) for t in _labels_of(store, node)]
    return _unique(own + incoming + labels)


FOAF = "http://xmlns.com/foaf/0.1/"
LICENSE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")


def about_document(document: str, topic: ox.NamedNode, dataset: str, label: str) -> list[ox.Triple]:
    """Return what a description document says about itself: its topic, dataset, licence and a label."""
    doc = ox.NamedNode(document)
    return [
        ox.Triple(doc, RDF_TYPE, ox.NamedNode(FOAF + "Document")),
        ox.Triple(doc, RDFS_LABEL, ox.Literal(f"Description of {label}", language="en")),
        ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), topic),
        ox.Triple(doc, ox.NamedNode("http://rdfs.org/ns/void#inDataset"), ox.NamedNode(dataset)),
        ox.Triple(doc, ox.NamedNode("http://purl.org/dc/terms/license"), LICENSE),
    ]


def describe_graph(store: ox.Store, graph: ox.NamedNode) -> list[ox.Triple]:
    """Return the triples of one named graph followed by what the release says about the graph itself."""
    return _unique(_triples(store.quads_for_pattern(None, None, None, graph)) + describe(store, graph))


def _labels_of(store: ox.Store, node: ox.NamedNode) -> list[ox.Triple]:
    return [t for predicate in LABELS for t in _triples(store.quads_for_pattern(node, predicate, None))]


def _blank_closure(store: ox.Store, triples: list[ox.Triple]) -> list[ox.Triple]:
    """Return the triples of the blank nodes `triples` point at, recursively (they have no page of their own)."""
    seen: set = set()
    todo = [t.object for t in triples if isinstance(t.object, ox.BlankNode)]
    found: list[ox.Triple] = []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        more = _triples(store.quads_for_pattern(node, None, None))
        found += more
        todo += [t.object for t in more if isinstance(t.object, ox.BlankNode)]
    return found


def _triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _unique(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


def _first(iterator: Iterator):
    return next(iter(iterator), None)


# --------------------------------------------------------------------------- terms for templates


@dataclass(frozen=True)
class Term:
    """An RDF term as a page shows it: IRIs with a readable label, literals with language or datatype."""

    value: str
    label: str
    is_iri: bool = False
    lang: str | None = None
    datatype: str | None = None

    @property
    def external_site(self) -> str | None:
        """Return the name of the external dataset an IRI belongs to (Wikidata, DBpedia, GeoNames), if any."""
        return next((name for prefix, name in EXTERNAL_SITES if self.value.startswith(prefix)), None)


class Labeller:
    """Turn RDF terms into `Term`s, looking labels up in the release and then in the vocabulary."""

    def __init__(self, store: ox.Store, vocabulary: ox.Store | None = None, base: str = DEFAULT_BASE):
        self.stores = [s for s in (store, vocabulary) if s is not None]
        self.base = base
        self._cache: dict[str, str] = {}

    def label(self, node: ox.NamedNode | ox.BlankNode) -> str:
        """Return the best label of a node: an English or plain label, else a readable form of its IRI."""
        key = str(node)
        if key not in self._cache:
            self._cache[key] = self._lookup(node) or readable(node, self.base)
        return self._cache[key]

    def term(self, node) -> Term:
        """Return the page form of any RDF term."""
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.language is None else None
            return Term(node.value, node.value, lang=node.language, datatype=datatype)
        if isinstance(node, ox.NamedNode):
            return Term(node.value, self.label(node), is_iri=True)
        return Term(str(node), "(anonymous node)")

    def _lookup(self, node) -> str | None:
        for store in self.stores:
            for predicate in LABELS:
                labels = [q.object for q in store.quads_for_pattern(node, predicate, None)]
                if labels:
                    return _preferred(labels).value
        return self._composed(node)

    def _composed(self, node) -> str | None:
        """Return a label made from the node's facts, for minted nodes that carry none (quotes, relations…)."""
        store = self.stores[0]

        def first(predicate: str):
            return next(
                (q.object for q in store.quads_for_pattern(node, ox.NamedNode(str(DIP[predicate])), None)), None
            )

        text, speaker = first("quoteText"), first("speaker")
        if text is not None:
            words = text.value if len(text.value) <= 60 else text.value[:57].rstrip() + "…"
            return f"{self.label(speaker)}: “{words}”" if speaker is not None else f"“{words}”"
        status = first("status")
        if status is not None:
            # A relation stated by several articles has its parties once in each article's graph.
            parties = sorted({self.label(q.object) for q in store.quads_for_pattern(node, DIP_PARTY, None)})
            return f"{' – '.join(parties)}: {self.label(status)}"
        holder, position = first("holder"), first("position")
        if holder is not None and position is not None:
            return f"{self.label(holder)} as {self.label(position)}"
        article = first("reportedIn")
        if first("evidenceText") is not None and article is not None:
            fact = _first(store.quads_for_pattern(None, DIP_REPORT, node))
            return f"Report of {self.label(fact.subject)}" if fact else f"Report in {self.label(article)}"
        text = first("articleText")
        if text is not None:
            return opening_words(text.value)
        return None


def opening_words(text: str, limit: int = 72) -> str:
    """Return the start of an article's text, cut at a word, as the name of an article without a headline."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def readable(node, base: str = DEFAULT_BASE) -> str:
    """Return a short readable name for an IRI that has no label: the external site and id, or its last part."""
    value = node.value if isinstance(node, ox.NamedNode) else str(node)
    for prefix, name in EXTERNAL_SITES:
        if value.startswith(prefix):
            return f"{name} {value[len(prefix) :].strip('/')}"
    if "#" in value:
        return _words(value.rsplit("#", 1)[-1]) or value
    if value.startswith((base, DEFAULT_BASE)):
        return value.rstrip("/").rsplit("/", 1)[-1] or value
    if value.startswith(tuple(PREFIXES.values())):
        return _words(value.rstrip("/").rsplit("/", 1)[-1]) or value
    return value  # a web page or an IRI of another dataset: shown whole


def _words(name: str) -> str:
    """Return a camel-case vocabulary name as words: `wasGeneratedBy` → `was generated by`, `NewsArticle` kept."""
    if not name[:1].islower():
        return name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(r"(?P<year>-?\d{4})(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>0[1-9]|[12]\d|3[01]))?)?")
DATE_TYPES = tuple(f"http://www.w3.org/2001/XMLSchema#{name}" for name in ("date", "gYearMonth", "gYear"))


def human_date(value: str | None) -> str:
    """Return an xsd:date, gYearMonth or gYear as people read it (27 Aug 2024, Aug 2024, 2024); else unchanged."""
    match = _DATE.fullmatch(value or "")
    if match is None:
        return value or ""
    year, month, day = match["year"], match["month"], match["day"]
    if month is None:
        return year
    name = _MONTHS[int(month) - 1]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = tuple(
    XSD + name
    for name in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "int",
        "long",
        "short",
        "decimal",
        "double",
        "float",
    )
)
LANGUAGES = {
    "en": "English",
    "tr": "Turkish",
    "az": "Azerbaijani",
    "hy": "Armenian",
    "ru": "Russian",
    "ka": "Georgian",
    "fa": "Persian",
    "ar": "Arabic",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "uk": "Ukrainian",
    "el": "Greek",
    "zh": "Chinese",
}


def language_name(code: str | None) -> str:
    """Return a language code as people name the language (`en` → `English`, `en-GB` → `English (GB)`)."""
    main, _, region = (code or "").partition("-")
    name = LANGUAGES.get(main.lower(), code or "")
    return f"{name} ({region.upper()})" if region and main.lower() in LANGUAGES else name


def for_readers(term: Term) -> str:
    """Return a literal as people read it: yes/no for booleans, grouped digits for numbers, dates spelled out."""
    datatype = term.datatype or ""
    if datatype == XSD + "boolean":
        return "yes" if term.value in ("true", "1") else "no"
    if datatype in _NUMBERS and re.fullmatch(r"-?\d+", term.value):
        return f"{int(term.value):,}"
    if datatype == XSD + "dateTime" and _DATE.match(term.value):
        day, _, time = term.value.partition("T")
        return f"{human_date(day)}, {time[:5]}" if time else human_date(day)
    return term.label


def _preferred(literals: list) -> ox.Literal:
    english = [lit for lit in literals if getattr(lit, "language", None) in ("en", None)]
    return sorted(english or literals, key=lambda lit: lit.value)[0]


# --------------------------------------------------------------------------- views of a resource


@dataclass
class Evidence:
    """One article's report of a fact: the sentence, the article's own wording and where to read it."""

    text: str
    article: Term | None
    issued: str | None = None
    wording: str | None = None
    begin: int | None = None
    end: int | None = None
    report: str | None = None


@dataclass
class Fact:
    """An event, quote or relation with what the pages show of it."""

    node: Term
    kind: Term | None = None
    date: str | None = None
    extra: dict[str, Term | str | None] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Row:
    """One predicate of a resource with its values (or subjects, for incoming links)."""

    predicate: Term
    values: list[Term]


# What a reader looks for first about an event, quote, relation, office or place, in this order.
SUMMARY = tuple(
    str(DIP[name])
    for name in (
        "date",
        "startDate",
        "endDate",
        "place",
        "participant",
        "host",
        "mediator",
        "topic",
        "speaker",
        "saidAt",
        "party",
        "status",
        "since",
        "until",
        "signatory",
        "signingDate",
        "holder",
        "position",
        "jurisdiction",
        "capital",
        "locatedIn",
        "connects",
        "eventStatus",
    )
)


def same_words(quotes: list[Fact]) -> list[Fact]:
    """Merge quotations of the same words by the same speaker at the same event: one quote, several reports."""
    merged: dict[tuple, Fact] = {}
    for quote in quotes:
        key = tuple(_key(quote.extra.get(name)) for name in ("text", "speaker", "event"))
        if key in merged:
            merged[key].evidence += quote.evidence
            merged[key].extra.setdefault("also", []).append(quote.node)
        else:
            merged[key] = quote
    return list(merged.values())


def _key(value) -> str | None:
    text = value.value if isinstance(value, Term) else value
    return " ".join(text.split()).casefold() if text else None


class Views:
    """Read what a page needs about one resource from a release store."""

    def __init__(self, store: ox.Store, labeller: Labeller):
        self.store = store
        self.labeller = labeller

    def select(self, query: str, **bindings) -> list[dict]:
        """Run a fixed SELECT over the union of all graphs with `bindings` substituted; return distinct rows."""
        substitutions = {ox.Variable(name): value for name, value in bindings.items()}
        solutions = self.store.query(
            _SPARQL_PREFIXES + query, use_default_graph_as_union=True, substitutions=substitutions
        )
        names = [v.value for v in solutions.variables]
        rows = [{name: solution[name] for name in names} for solution in solutions]
        return list({tuple((k, str(v)) for k, v in row.items()): row for row in rows}.values())

    def types(self, iri: ox.NamedNode) -> list[Term]:
        """Return the classes of a resource, most specific (dip:) first."""
        classes = {q.object for q in self.store.quads_for_pattern(iri, RDF_TYPE, None)}
        ordered = sorted(classes, key=lambda c: (not c.value.startswith(str(DIP)), c.value == str(DIP.Event), c.value))
        return [self.labeller.term(c) for c in ordered]

    def properties(self, iri: ox.NamedNode, skip: Iterable[ox.NamedNode] = ()) -> list[Row]:
        """Return the resource's own statements grouped by predicate, in all graphs."""
        return self._rows(
            ((t.predicate, t.object) for t in _triples(self.store.quads_for_pattern(iri, None, None))), skip
        )

    def summary(self, iri: ox.NamedNode) -> list[Row]:
        """Return the statements a reader looks for first (when, where, who, what status), in `SUMMARY` order."""
        rows = {row.predicate.value: row for row in self.properties(iri)}
        return [rows[predicate] for predicate in SUMMARY if predicate in rows]

    def incoming(self, iri: ox.NamedNode, skip: Iterable[ox.NamedNode] = ()) -> list[Row]:
        """Return the statements pointing at the resource, grouped by predicate."""
        return self._rows(
            ((t.predicate, t.subject) for t in _triples(self.store.quads_for_pattern(None, None, iri))), skip
        )

    def _rows(self, pairs: Iterable, skip: Iterable[ox.NamedNode]) -> list[Row]:
        skipped = set(skip)
        grouped: dict = {}
        for predicate, value in pairs:
            if predicate not in skipped:
                grouped.setdefault(predicate, {})[value] = None
        term = self.labeller.term
        rows = [Row(term(p), sorted((term(v) for v in values), key=lambda t: t.label)) for p, values in grouped.items()]
        return sorted(rows, key=lambda r: r.predicate.label)

    def evidence(self, fact: ox.NamedNode) -> list[Evidence]:
        """Return every report of a fact: evidence sentence, wording, source article and its date."""
        rows = self.select(
            """SELECT ?fact ?report ?text ?article ?wording ?begin ?end ?issued WHERE {
                 ?fact dip:report ?report . ?report dip:evidenceText ?text .
                 OPTIONAL { ?report dip:reportedIn ?article OPTIONAL { ?article dct:issued ?issued } }
                 OPTIONAL { ?report dip:wording ?wording }
                 OPTIONAL { ?report dip:beginIndex ?begin } OPTIONAL { ?report dip:endIndex ?end }
               }""",
            fact=fact,
        )
        found = [
            Evidence(
                text=row["text"].value,
                article=self.labeller.term(row["article"]) if row["article"] else None,
                issued=_value(row["issued"]),
                wording=_value(row["wording"]),
                begin=_int(row["begin"]),
                end=_int(row["end"]),
                report=row["report"].value,
            )
            for row in rows
        ]
        return sorted(found, key=lambda e: (e.issued or "", e.article.value if e.article else "", e.begin or 0))

    def _fact(self, node: ox.NamedNode, date=None, **extra) -> Fact:
        kinds = self.types(node)
        return Fact(
            node=self.labeller.term(node),
            kind=kinds[0] if kinds else None,
            date=_value(date),
            extra={k: (self.labeller.term(v) if isinstance(v, ox.NamedNode) else _value(v)) for k, v in extra.items()},
            evidence=self.evidence(node),
        )

    def holdings(self, person: ox.NamedNode) -> list[Fact]:
        """Return the offices a person held, latest first."""
        rows = self.select(
            """SELECT ?person ?holding ?position ?start ?end WHERE {
                 ?holding dip:holder ?person ; dip:position ?position .
                 OPTIONAL { ?holding dip:startDate ?start } OPTIONAL { ?holding dip:endDate ?end } }""",
            person=person,
        )
        facts = [self._fact(r["holding"], r["start"], position=r["position"], end=r["end"]) for r in rows]
        return sorted(facts, key=lambda f: f.date or "", reverse=True)

    def holders(self, position: ox.NamedNode) -> list[Fact]:
        """Return who held an office, latest first."""
        rows = self.select(
            """SELECT ?position ?holding ?person ?start ?end WHERE {
                 ?holding dip:holder ?person ; dip:position ?position .
                 OPTIONAL { ?holding dip:startDate ?start } OPTIONAL { ?holding dip:endDate ?end } }""",
            position=position,
        )
        facts = [self._fact(r["holding"], r["start"], holder=r["person"], end=r["end"]) for r in rows]
        return sorted(facts, key=lambda f: f.date or "", reverse=True)

    def events(self, entity: ox.NamedNode) -> list[Fact]:
        """Return the events an entity took part in, hosted, mediated, or that happened there, by date."""
        rows = self.select(
            """SELECT ?entity ?event ?role ?date WHERE {
                 VALUES ?role { dip:participant dip:host dip:mediator dip:place dip:topic }
                 ?event ?role ?entity ; a ?type .
                 FILTER NOT EXISTS { ?event a dip:Quote }
                 OPTIONAL { ?event dip:date ?date } }""",
            entity=entity,
        )
        roles: dict = {}
        dates: dict = {}
        for row in rows:
            roles.setdefault(row["event"], set()).add(readable(row["role"]))
            dates[row["event"]] = dates.get(row["event"]) or row["date"]
        facts = [self._fact(event, dates[event], role=", ".join(sorted(r))) for event, r in roles.items()]
        return sorted(facts, key=lambda f: (f.date or "9999", f.node.label))

    def quotes(self, speaker: ox.NamedNode) -> list[Fact]:
        """Return what an entity is quoted as saying."""
        rows = self.select(
            """SELECT ?speaker ?quote ?text ?event WHERE {
                 ?quote dip:speaker ?speaker ; dip:quoteText ?text . OPTIONAL { ?quote dip:saidAt ?event } }""",
            speaker=speaker,
        )
        return same_words([self._fact(r["quote"], text=r["text"], event=r["event"]) for r in rows])

    def quotes_at(self, event: ox.NamedNode) -> list[Fact]:
        """Return the quotations said at an event."""
        rows = self.select(
            """SELECT ?event ?quote ?text ?speaker WHERE {
                 ?quote dip:saidAt ?event ; dip:quoteText ?text . OPTIONAL { ?quote dip:speaker ?speaker } }""",
            event=event,
        )
        return same_words([self._fact(r["quote"], text=r["text"], speaker=r["speaker"]) for r in rows])

    def relations(self, country: ox.NamedNode) -> list[Fact]:
        """Return a country's bilateral relations with their status over time, by partner then date."""
        rows = self.select(
            """SELECT ?country ?relation ?other ?status ?since ?until WHERE {
                 ?relation a dip:BilateralRelation ; dip:party ?country, ?other ; dip:status ?status .
                 FILTER (?other != ?country)
                 OPTIONAL { ?relation dip:since ?since } OPTIONAL { ?relation dip:until ?until } }""",
            country=country,
        )
        facts = [
            self._fact(r["relation"], r["since"], partner=r["other"], status=r["status"], until=r["until"])
            for r in rows
        ]
        for fact in facts:
            fact.extra["first_reported"] = min((e.issued for e in fact.evidence if e.issued), default=None)
        return sorted(facts, key=lambda f: (f.extra["partner"].label, f.date or f.extra["first_reported"] or "9999"))

    def mentioned_in(self, entity: ox.NamedNode) -> list[Fact]:
        """Return the articles that name an entity, newest first."""
        rows = self.select(
            """SELECT ?entity ?article ?issued WHERE {
                 ?article dip:mentions ?entity OPTIONAL { ?article dct:issued ?issued } }""",
            entity=entity,
        )
        facts = [Fact(self.labeller.term(r["article"]), date=_value(r["issued"])) for r in rows]
        return sorted(facts, key=lambda f: f.date or "", reverse=True)

    def report(self, report: ox.NamedNode) -> dict | None:
        """Return what a report page leads with: the fact, its sentence in the article's words and where to read it."""
        fact = _first(self.store.quads_for_pattern(None, DIP_REPORT, report))
        if fact is None:
            return None
        found = [e for e in self.evidence(fact.subject) if e.report == report.value]
        if not found:
            return None
        evidence = found[0]
        article = ox.NamedNode(evidence.article.value) if evidence.article else None
        text = _first(self.store.quads_for_pattern(article, ARTICLE_TEXT, None)) if article else None
        place = locate(text.object.value, evidence) if text else None
        kinds = self.types(fact.subject)
        return {
            "fact": self.labeller.term(fact.subject),
            "kind": kinds[0] if kinds else None,
            "evidence": evidence,
            "before": _context(text.object.value[: place[0]], before=True) if place else "",
            "after": _context(text.object.value[place[1] :], before=False) if place else "",
            "anchor": f"at-{place[0]}" if place else None,
        }

    def same_quote(self, quote: ox.NamedNode) -> list[Fact]:
        """Return the other quotes of the same words by the same speaker: the quote as other articles report it."""
        rows = self.select(
            """SELECT ?quote ?other ?text ?otext WHERE {
                 ?quote dip:quoteText ?text . ?other dip:quoteText ?otext . FILTER (?other != ?quote)
                 OPTIONAL { ?quote dip:speaker ?speaker } OPTIONAL { ?other dip:speaker ?ospeaker }
                 FILTER (!BOUND(?speaker) && !BOUND(?ospeaker) || ?speaker = ?ospeaker) }""",
            quote=quote,
        )
        others = {r["other"] for r in rows if _key(r["text"].value) == _key(r["otext"].value)}
        facts = [self._fact(other) for other in others]
        return sorted(facts, key=lambda f: min((e.issued or "" for e in f.evidence), default=""))

    def article_facts(self, article: ox.NamedNode) -> list[Fact]:
        """Return every fact an article supports, each with the report that ties it to this article."""
        rows = self.select(
            """SELECT ?article ?fact ?report WHERE { ?fact dip:report ?report . ?report dip:reportedIn ?article }""",
            article=article,
        )
        facts = []
        for row in rows:
            fact = self._fact(row["fact"])
            fact.evidence = [e for e in fact.evidence if e.report == row["report"].value]
            facts.append(fact)
        return sorted(facts, key=lambda f: min((e.begin or 0 for e in f.evidence), default=0))


def _context(text: str, before: bool, size: int = 240) -> str:
    """Return up to `size` characters of the text next to a span, cut at a word and kept within its paragraph."""
    if before:
        text = text.rsplit("\n\n", 1)[-1]
        return text if len(text) <= size else "…" + text[-size:].split(" ", 1)[-1]
    text = text.split("\n\n", 1)[0]
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


def _value(node) -> str | None:
    return node if node is None or isinstance(node, str) else node.value


def _int(node) -> int | None:
    try:
        return int(node.value) if node is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- article text with evidence marked


@dataclass
class Segment:
    """A stretch of article text and the numbers of the facts whose evidence covers it (none: plain text)."""

    text: str
    facts: tuple[int, ...] = ()
    start: int = 0
    ends: tuple[int, ...] = ()  # facts whose evidence ends with this stretch


def locate(text: str, evidence: Evidence) -> tuple[int, int] | None:
    """Return where an evidence span sits in `text`: its offsets if they hold, else its first occurrence."""
    if evidence.begin is not None and evidence.end is not None and text[evidence.begin : evidence.end] == evidence.text:
        return evidence.begin, evidence.end
    found = text.find(evidence.text) if evidence.text else -1
    return (found, found + len(evidence.text)) if found >= 0 else None


def highlight(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """Cut `text` at every span boundary; each `(begin, end, number)` marks the segments it covers."""
    cuts = sorted({0, len(text), *(b for b, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for start, stop in zip(cuts, cuts[1:], strict=False):
        covering = tuple(sorted(n for b, e, n in spans if b <= start and stop <= e))
        ends = tuple(sorted(n for _, e, n in spans if e == stop))
        segments.append(Segment(text[start:stop], covering, start, ends))
    return segments
