"""Map extractions to RDF: one named graph per article, plus reference, ontology and build graphs.

A build's graphs are kept as plain lists of triples (`MappedGraphs`), not in an rdflib Dataset: the gate and
publishing read each graph's statements once, in order, and a Dataset's indexes cost ~1.7 KB a statement
(2.7 GB for the 1.6 million of 10,000 articles) against ~0.2 KB here. `MappedGraphs.to_dataset` gives a
Dataset of some or all graphs where one is needed (SPARQL-based checks on a few graphs, tests).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

import kg
from kg.extract.model import Event, Extraction, Quote, Relation, Span, TimeValue
from kg.ids import DIP, DIPST, IRIs, article_slug
from kg.terms import ONTOLOGY_FILE, PREFIXES, SCHEMA

_DATATYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
Triple = tuple[Node, Node, Node]


@dataclass
class Build:
    """What is known about one run of the pipeline, recorded as a prov:Activity."""

    started: dt.datetime
    ended: dt.datetime | None = None

    @property
    def identifier(self) -> str:
        """Return a sortable, unique name for this build."""
        return self.started.strftime("%Y%m%dT%H%M%S%fZ")


def new_dataset() -> Dataset:
    """Return an empty dataset with the project's prefixes bound."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    return dataset


class GraphStatements(list):
    """The statements of one graph, in the order they were added; filled like an rdflib Graph (`add`).

    Equal terms are kept as one object across the graphs of a build (`terms`): rdflib makes a new URIRef at every
    `DIP.x`, and the same IRIs and labels recur in thousands of graphs.
    """

    def __init__(self, terms: dict[Node, Node]) -> None:
        super().__init__()
        self._terms = terms

    def add(self, triple: Triple) -> None:
        intern = self._terms.setdefault
        subject, predicate, obj = triple
        self.append((intern(subject, subject), intern(predicate, predicate), intern(obj, obj)))

    def extend(self, triples: Iterable[Triple]) -> None:
        for triple in triples:
            self.add(triple)


class MappedGraphs:
    """The named graphs of a build as lists of triples, each triple once per graph, graphs in the order made."""

    def __init__(self) -> None:
        self._graphs: dict[URIRef, GraphStatements] = {}
        self._distinct: set[URIRef] = set()  # graphs known to hold each statement once
        self._terms: dict[Node, Node] = {}

    def graph(self, name: URIRef) -> GraphStatements:
        """Return the statements of graph `name`, to read or to `add` to (a new graph comes last)."""
        self._distinct.discard(name)
        statements = self._graphs.get(name)
        if statements is None:
            statements = self._graphs[name] = GraphStatements(self._terms)
        return statements

    def names(self) -> list[URIRef]:
        return list(self._graphs)

    def items(self) -> Iterator[tuple[URIRef, list[Triple]]]:
        """Yield each graph's name and statements, every statement once (a graph is made a set on first read)."""
        for name, statements in self._graphs.items():
            if name not in self._distinct:
                statements[:] = dict.fromkeys(statements)
                self._distinct.add(name)
            yield name, statements

    def quads(self, pattern=None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        """Yield every statement with its graph's name (as rdflib's Dataset.quads does with no pattern)."""
        if pattern is not None and any(term is not None for term in pattern):
            raise ValueError("MappedGraphs.quads reads every statement: pass no pattern")
        for name, statements in self.items():
            for subject, predicate, obj in statements:
                yield subject, predicate, obj, name

    def __len__(self) -> int:
        return sum(len(statements) for _, statements in self.items())

    def to_dataset(self, names: Iterable[URIRef] | None = None) -> Dataset:
        """Return an rdflib Dataset of the graphs `names` (default: all)."""
        dataset = new_dataset()
        wanted = None if names is None else set(names)
        for name, statements in self.items():
            if wanted is None or name in wanted:
                graph = dataset.graph(name)
                for triple in statements:
                    graph.add(triple)
        return dataset


def time_literal(value: TimeValue) -> Literal:
    """Return the typed literal of a date at its precision (xsd:date, gYearMonth or gYear)."""
    return Literal(value.value, datatype=_DATATYPES[value.precision])


class Mapper:
    """Turn extractions into quads under one base IRI."""

    def __init__(self, base: str):
        self.iris = IRIs(base)
        self._labelled: dict = {}  # what the reference names: a named happening keeps its name, not a kind's

    def entity_iri(self, key: str) -> URIRef:
        """Return the IRI of an entity key such as `person/hakan-fidan`."""
        kind, _, slug = key.partition("/")
        return self.iris.entity(kind, slug)

    def graphs(
        self,
        extractions: Iterable[Extraction],
        reference: Graph,
        ontology: Graph | None = None,
        shapes: Graph | None = None,
    ) -> MappedGraphs:
        """Return the graphs of one build: article graphs and the reference, ontology and shapes graphs."""
        mapped = MappedGraphs()
        self._labelled = {s: str(o) for s, o in reference.subject_objects(RDFS.label)}
        labelled = Graph()
        _copy(reference, labelled)
        label_holdings(labelled)
        mapped.graph(self.iris.graph("reference")).extend(labelled)
        for name, source in (("ontology", ontology), ("shapes", shapes)):
            if source is not None:
                mapped.graph(self.iris.graph(name)).extend(source)
        for extraction in extractions:
            self.add_extraction(mapped.graph(self.iris.article_graph(extraction.article.identifier)), extraction)
        return mapped

    def dataset(
        self,
        extractions: Iterable[Extraction],
        reference: Graph,
        ontology: Graph | None = None,
        shapes: Graph | None = None,
    ) -> Dataset:
        """Return the graphs of one build (see `graphs`) as an rdflib Dataset."""
        return self.graphs(extractions, reference, ontology, shapes).to_dataset()

    def add_extraction(self, graph: Graph, extraction: Extraction) -> None:
        """Add everything one article supports to its graph."""
        article = extraction.article
        node = self.iris.article(article.identifier)
        self.add_article(graph, node, extraction)
        slug = article_slug(article.identifier)
        counter = _Counter(slug, article_name(extraction), extraction)
        event_iris = [self.add_event(graph, node, event, counter) for event in extraction.events]
        for quote in extraction.quotes:
            if quote.speaker:  # words nobody is said to have spoken are not a quotation of anyone
                self.add_quote(graph, node, quote, counter, event_iris)
        for relation in extraction.relations:
            self.add_relation(graph, node, relation, counter)

    def add_article(self, graph: Graph, node: URIRef, extraction: Extraction) -> None:
        """Add the article's metadata, its mentions and the entities new to the reference data."""
        article = extraction.article
        graph.add((node, RDF.type, DIP.Article))
        graph.add((node, RDFS.label, Literal(article_name(extraction), lang=article.language)))
        graph.add((node, DCTERMS.identifier, Literal(article.identifier)))
        graph.add((node, DCTERMS.language, Literal(article.language)))
        graph.add((node, DIP.wordCount, Literal(article.word_count)))
        graph.add((node, DIP.articleText, Literal(article.text, lang=article.language)))
        optional = [
            (DCTERMS.title, article.title and Literal(article.title, lang=article.language)),
            (SCHEMA.url, article.url and URIRef(article.url)),
            (DCTERMS.issued, article.published and Literal(article.published.isoformat(), datatype=XSD.date)),
            (DCTERMS.publisher, article.publisher and Literal(article.publisher)),
            (DCTERMS.creator, article.author and Literal(article.author)),
        ]
        for predicate, value in optional:
            if value:
                graph.add((node, predicate, value))
        for key in sorted({m.entity for m in extraction.mentions}):
            graph.add((node, DIP.mentions, self.entity_iri(key)))
        for entity in extraction.entities.values():
            if entity.in_reference:
                continue
            iri = self.entity_iri(entity.key)
            graph.add((iri, RDF.type, DIP[entity.kind]))
            graph.add((iri, RDFS.label, Literal(entity.label, lang="en")))
            if entity.role:
                graph.add((iri, DIP.role, Literal(entity.role, lang="en")))
            for alt in entity.alt_labels:
                graph.add((iri, SKOS.altLabel, Literal(alt, lang="en")))

    def add_event(self, graph: Graph, article: URIRef, event: Event, counter: _Counter) -> URIRef:
        """Add one reported event and its report; return the event IRI."""
        iri = self.iris.entity("event", event.key or counter.next_slug("event"))
        graph.add((iri, RDF.type, DIP[event.kind]))
        label = event.label or self._labelled.get(iri)
        if label is None:  # a named happening is named by the reference graph, once
            label = _event_fallback_label(event)
            graph.add((iri, RDFS.label, Literal(label, lang="en")))
        elif event.label:
            graph.add((iri, RDFS.label, Literal(label, lang="en")))
        for predicate, keys in (
            (DIP.participant, event.participants),
            (DIP.host, event.hosts),
            (DIP.mediator, event.mediators),
            (DIP.topic, event.topics),
        ):
            for key in keys:
                graph.add((iri, predicate, self.entity_iri(key)))
        if event.place:
            graph.add((iri, DIP.place, self.entity_iri(event.place)))
        if event.date:
            graph.add((iri, DIP.date, time_literal(event.date)))
        graph.add((iri, DIP.eventStatus, DIPST[event.status]))
        report = self.add_report(
            graph,
            iri,
            article,
            event.evidence,
            counter,
            f"Report of {label} in {counter.article_name}",
            event.wording,
            event.date.text if event.date else None,
        )
        if event.date_basis:
            graph.add((report, DIP.dateBasis, Literal(event.date_basis)))
        return iri

    def add_quote(self, graph: Graph, article: URIRef, quote: Quote, counter: _Counter, events: list) -> None:
        """Add one quotation with its speaker, the event it was said at, and its report."""
        iri = self.iris.entity("quote", counter.next_slug("quote"))
        label = f"Quote of {counter.entity_name(quote.speaker)} in {counter.article_name}"
        graph.add((iri, RDF.type, DIP.Quote))
        graph.add((iri, RDFS.label, Literal(label, lang="en")))
        graph.add((iri, DIP.quoteText, Literal(quote.text, lang="en")))
        for speaker in [quote.speaker, *quote.co_speakers]:
            graph.add((iri, DIP.speaker, self.entity_iri(speaker)))
        if quote.said_at is not None and 0 <= quote.said_at < len(events):
            graph.add((iri, DIP.saidAt, events[quote.said_at]))
        self.add_report(graph, iri, article, quote.evidence, counter, f"Report of the q{label[1:]}")

    def add_relation(self, graph: Graph, article: URIRef, relation: Relation, counter: _Counter) -> None:
        """Add one bilateral relation status with its time span and report."""
        parties = sorted(relation.parties)
        slug = "-".join([*(key.partition("/")[2] for key in parties), relation.status])
        iri = self.iris.entity("relation", slug)
        graph.add((iri, RDF.type, DIP.BilateralRelation))
        names = " – ".join(sorted(counter.entity_name(key) for key in parties))
        label = f"{names}: {status_labels().get(relation.status, relation.status.replace('-', ' '))}"
        graph.add((iri, RDFS.label, Literal(label, lang="en")))
        for key in parties:
            graph.add((iri, DIP.party, self.entity_iri(key)))
        graph.add((iri, DIP.status, DIPST[relation.status]))
        if relation.since:
            graph.add((iri, DIP.since, time_literal(relation.since)))
        if relation.until:
            graph.add((iri, DIP.until, time_literal(relation.until)))
        report_label = f"Report of {label} in {counter.article_name}"
        self.add_report(graph, iri, article, relation.evidence, counter, report_label, relation.wording)

    def add_report(
        self,
        graph: Graph,
        subject: URIRef,
        article: URIRef,
        evidence: Span,
        counter: _Counter,
        label: str,
        wording: str | None = None,
        date_text: str | None = None,
    ) -> URIRef:
        """Link a fact to the article supporting it through a dip:Report carrying the evidence span; return it."""
        # Offsets are plain xsd:integer: Oxigraph stores derived integer types as xsd:integer anyway.
        report = self.iris.entity("report", counter.next_slug("report"))
        graph.add((subject, DIP.reportedIn, article))
        graph.add((subject, DIP.report, report))
        graph.add((report, RDF.type, DIP.Report))
        graph.add((report, RDFS.label, Literal(label, lang="en")))
        graph.add((report, DIP.reportedIn, article))
        graph.add((report, DIP.evidenceText, Literal(evidence.text)))
        graph.add((report, DIP.beginIndex, Literal(evidence.start)))
        graph.add((report, DIP.endIndex, Literal(evidence.end)))
        if wording:
            graph.add((report, DIP.wording, Literal(wording, lang="en")))
        if date_text:
            graph.add((report, DIP.dateText, Literal(date_text)))
        return report

    def add_build(self, dataset: Dataset | MappedGraphs, build: Build, articles: list[str]) -> None:
        """Record the build as a prov:Activity that used the articles and generated their graphs."""
        graph = dataset.graph(self.iris.graph("build"))
        activity = self.iris.entity("build", build.identifier)
        agent = self.iris.entity("software", f"diplomacy-kg-{kg.__version__}")
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, RDFS.label, Literal(f"Build {build.identifier}", lang="en")))
        graph.add((activity, PROV.startedAtTime, Literal(build.started.isoformat(), datatype=XSD.dateTime)))
        if build.ended:
            graph.add((activity, PROV.endedAtTime, Literal(build.ended.isoformat(), datatype=XSD.dateTime)))
        graph.add((activity, PROV.wasAssociatedWith, agent))
        graph.add((agent, RDF.type, PROV.SoftwareAgent))
        graph.add((agent, RDFS.label, Literal("diplomacy-kg", lang="en")))
        graph.add((agent, SCHEMA.softwareVersion, Literal(kg.__version__)))
        for identifier in articles:
            graph.add((activity, PROV.used, self.iris.article(identifier)))
            graph.add((self.iris.article_graph(identifier), PROV.wasGeneratedBy, activity))
        for name in ("reference", "ontology", "shapes"):
            graph.add((activity, PROV.used, self.iris.graph(name)))


class _Counter:
    """Number the nodes minted for one article (`{article-slug}-{n}` per kind) and name what they mention."""

    def __init__(self, article_slug: str, article_name: str = "", extraction: Extraction | None = None):
        self.article_slug = article_slug
        self.article_name = article_name
        self.entities = extraction.entities if extraction else {}
        self.counts: dict[str, int] = {}

    def entity_name(self, key: str) -> str:
        """Return the label of an entity the article names, or its slug in words."""
        entity = self.entities.get(key)
        return entity.label if entity else key.partition("/")[2].replace("-", " ").title()

    def next_slug(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"{self.article_slug}-{self.counts[kind]}"


def article_name(extraction: Extraction) -> str:
    """Return the readable name of an article: its headline, else its opening words."""
    article = extraction.article
    if article.title:
        return article.title
    words = " ".join(article.text.split())
    return words if len(words) <= 72 else words[:72].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def label_holdings(graph: Graph) -> None:
    """Give each office holding without a label one: `{holder} as {position} (from {start})`."""
    for holding in set(graph.subjects(RDF.type, DIP.PositionHolding)):
        if graph.value(holding, RDFS.label) is not None:
            continue
        holder, position = graph.value(holding, DIP.holder), graph.value(holding, DIP.position)
        names = [str(graph.value(node, RDFS.label) or _last_segment(node)) for node in (holder, position)]
        start, end = graph.value(holding, DIP.startDate), graph.value(holding, DIP.endDate)
        period = f" ({start} – {end})" if start and end else f" (from {start})" if start else ""
        label = f"{names[0]} as {names[1]}{period or (f' (until {end})' if end else '')}"
        graph.add((holding, RDFS.label, Literal(label, lang="en")))


@functools.cache
def status_labels() -> dict[str, str]:
    """Return the English name of every relation status concept (`border-closed` → `border closed`)."""
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    return {
        str(concept)[len(str(DIPST)) :]: str(label)
        for concept, label in ontology.subject_objects(SKOS.prefLabel)
        if str(concept).startswith(str(DIPST)) and getattr(label, "language", None) in ("en", None)
    }


def _event_fallback_label(event: Event) -> str:
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in event.kind).strip().capitalize()
    return f"{words} ({event.date.value})" if event.date else words


def _last_segment(node) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1].replace("-", " ")


def _copy(source: Graph, target: Graph) -> None:
    for triple in source:
        target.add(triple)
