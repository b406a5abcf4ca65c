"""The mapping of extractions to RDF, on extractions built by hand: one graph per article, typed and sourced."""

from __future__ import annotations

import datetime as dt

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.articles import Article
from kg.extract.model import Entity, Event, Extraction, Mention, Quote, Relation, Span, TimeValue
from kg.ids import DIP, DIPST
from kg.mapping import MappedGraphs, Mapper
from kg.reference import load_reference
from kg.terms import PREFIXES
from kg.validate import validate

BASE = "https://example.org/kg/"
ID = Namespace(BASE + "id/")
OPENING = "Chile and Peru met in Lima on Monday. “We agree,” Boric said. The…"  # the untitled article's name
TEXT = "Chile and Peru met in Lima on Monday. “We agree,” Boric said. The border stays closed."
SEGMENTS = (
    "article",
    "event",
    "report",
    "quote",
    "relation",
    "country",
    "person",
    "organization",
    "place",
    "agreement",
)
PROLOGUE = "".join(f"@prefix {p}: <{n}> .\n" for p, n in PREFIXES.items()) + "".join(
    f"@prefix {segment}: <{ID}{segment}/> .\n" for segment in SEGMENTS
)


def span(words: str) -> Span:
    start = TEXT.index(words)
    return Span(start, start + len(words), words)


def article(identifier: str = "Chile Peru 01", **meta) -> Article:
    return Article(identifier=identifier, text=TEXT, source=f"{identifier}.txt", **meta)


def mapped(extraction: Extraction) -> Graph:
    graph = Graph()
    Mapper(BASE).add_extraction(graph, extraction)
    return graph


def without_article_node(graph: Graph) -> Graph:
    """Return the graph without the article's own description (metadata, text, mentions)."""
    out = Graph()
    for triple in graph:
        if triple[0] != ID["article/chile-peru-01"]:
            out.add(triple)
    return out


def assert_isomorphic(actual: Graph, expected_turtle: str) -> None:
    expected = Graph().parse(data=PROLOGUE + expected_turtle, format="turtle")
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in the mapping:\n"
            + only_actual.serialize(format="nt")
            + "only expected:\n"
            + only_expected.serialize(format="nt")
        )


# The article


def test_an_articles_metadata_and_text_are_its_nodes_description():
    meta = {
        "title": "Chile and Peru meet",
        "url": "https://news.example/chile-peru",
        "published": dt.date(2025, 3, 4),
        "publisher": "Andes Wire",
        "author": "Ana Ruiz",
    }
    assert_isomorphic(
        mapped(Extraction(article(**meta))),
        f"""
        article:chile-peru-01 a dip:Article ;
            rdfs:label "Chile and Peru meet"@en ;
            dct:identifier "Chile Peru 01" ;
            dct:language "en" ;
            dip:wordCount {len(TEXT.split())} ;
            dip:articleText "{TEXT}"@en ;
            dct:title "Chile and Peru meet"@en ;
            schema:url <https://news.example/chile-peru> ;
            dct:issued "2025-03-04"^^xsd:date ;
            dct:publisher "Andes Wire" ;
            dct:creator "Ana Ruiz" .
        """,
    )


def test_metadata_the_article_lacks_is_left_out():
    graph = mapped(Extraction(article()))
    node = ID["article/chile-peru-01"]
    assert {p for _, p, _ in graph.triples((node, None, None))} == {
        RDF.type,
        RDFS.label,
        PREFIXES["dct"].identifier,
        PREFIXES["dct"].language,
        DIP.wordCount,
        DIP.articleText,
    }


def test_the_article_mentions_each_entity_it_names_once():
    mentions = [
        Mention("country/chile", span("Chile")),
        Mention("country/peru", span("Peru")),
        Mention("country/chile", Span(0, 5, "Chile")),
    ]
    graph = mapped(Extraction(article(), mentions=mentions))
    assert set(graph.objects(ID["article/chile-peru-01"], DIP.mentions)) == {ID["country/chile"], ID["country/peru"]}


def test_one_named_graph_per_article_beside_the_reference():
    reference = Graph()
    reference.add((ID["country/chile"], RDF.type, DIP.Country))
    first = Extraction(article("a"), mentions=[Mention("country/chile", span("Chile"))])
    second = Extraction(article("b"), mentions=[Mention("country/peru", span("Peru"))])
    dataset = Mapper(BASE).dataset([first, second], reference)
    graphs = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    assert set(graphs) == {f"{BASE}graph/reference", f"{BASE}graph/article/a", f"{BASE}graph/article/b"}
    assert (ID["article/a"], DIP.mentions, ID["country/chile"]) in graphs[f"{BASE}graph/article/a"]
    assert (ID["article/a"], None, None) not in graphs[f"{BASE}graph/article/b"]
    assert (ID["country/chile"], RDF.type, DIP.Country) in graphs[f"{BASE}graph/reference"]


# Entities


def test_an_entity_of_the_reference_is_only_mentioned():
    entities = {"country/chile": Entity("country/chile", "Country", "Chile")}
    graph = mapped(Extraction(article(), entities=entities, mentions=[Mention("country/chile", span("Chile"))]))
    assert (ID["country/chile"], None, None) not in graph


def test_a_new_entity_is_typed_labelled_with_its_role_and_other_names_and_never_linked():
    boric = Entity(
        "person/gabriel-boric",
        "Person",
        "Gabriel Boric",
        in_reference=False,
        role="President of Chile",
        alt_labels=("Boric", "President Boric"),
    )
    graph = without_article_node(mapped(Extraction(article(), entities={boric.key: boric})))
    assert_isomorphic(
        graph,
        """
        person:gabriel-boric a dip:Person ;
            rdfs:label "Gabriel Boric"@en ;
            dip:role "President of Chile"@en ;
            skos:altLabel "Boric"@en, "President Boric"@en .
        """,
    )
    assert not list(graph.objects(None, OWL.sameAs))


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("organization/andes-wire", "Organization"),
        ("place/lima-port", "Place"),
        ("agreement/lima-accord", "Agreement"),
        ("country/peru", "Country"),
    ],
)
def test_a_new_entity_has_the_class_of_its_kind_and_the_iri_of_its_key(key, kind):
    graph = mapped(Extraction(article(), entities={key: Entity(key, kind, "Name", in_reference=False)}))
    assert (ID[key], RDF.type, DIP[kind]) in graph


# Events

MEETING = Event(
    kind="Meeting",
    evidence=span("Chile and Peru met in Lima on Monday."),
    participants=["country/chile", "country/peru"],
    hosts=["country/peru"],
    mediators=["organization/andes-forum"],
    place="place/lima",
    date=TimeValue("2025-03-03", "day", "on Monday"),
    wording="met",
    topics=["agreement/lima-accord"],
    key="2025-03-03-meeting-lima-chile-peru",
    label="Meeting of Chile and Peru in Lima",
)


def test_an_event_has_its_class_agents_place_date_status_and_a_report_with_its_evidence():
    graph = without_article_node(mapped(Extraction(article(), events=[MEETING])))
    begin, end = MEETING.evidence.start, MEETING.evidence.end
    assert_isomorphic(
        graph,
        f"""
        event:2025-03-03-meeting-lima-chile-peru a dip:Meeting ;
            rdfs:label "Meeting of Chile and Peru in Lima"@en ;
            dip:participant country:chile, country:peru ;
            dip:host country:peru ;
            dip:mediator organization:andes-forum ;
            dip:topic agreement:lima-accord ;
            dip:place place:lima ;
            dip:date "2025-03-03"^^xsd:date ;
            dip:eventStatus dipst:happened ;
            dip:reportedIn article:chile-peru-01 ;
            dip:report report:chile-peru-01-1 .
        report:chile-peru-01-1 a dip:Report ;
            rdfs:label "Report of Meeting of Chile and Peru in Lima in {OPENING}"@en ;
            dip:reportedIn article:chile-peru-01 ;
            dip:evidenceText "Chile and Peru met in Lima on Monday." ;
            dip:beginIndex {begin} ;
            dip:endIndex {end} ;
            dip:wording "met"@en ;
            dip:dateText "on Monday" .
        """,
    )


def test_a_reports_offsets_point_at_its_evidence_in_the_article_text():
    graph = mapped(Extraction(article(), events=[MEETING]))
    report = ID["report/chile-peru-01-1"]
    begin, end = (graph.value(report, p).toPython() for p in (DIP.beginIndex, DIP.endIndex))
    assert TEXT[begin:end] == str(graph.value(report, DIP.evidenceText))
    assert graph.value(report, DIP.beginIndex).datatype == rdflib.XSD.integer


@pytest.mark.parametrize(
    ("value", "precision", "datatype"),
    [
        ("2025-03-03", "day", rdflib.XSD.date),
        ("2025-03", "month", rdflib.XSD.gYearMonth),
        ("2025", "year", rdflib.XSD.gYear),
    ],
)
def test_an_event_date_is_typed_by_its_precision(value, precision, datatype):
    event = Event("Visit", span("Chile and Peru met"), ["country/chile"], date=TimeValue(value, precision))
    graph = mapped(Extraction(article(), events=[event]))
    assert list(graph.objects(None, DIP.date)) == [Literal(value, datatype=datatype)]


@pytest.mark.parametrize("status", ["happened", "planned", "announced", "denied"])
def test_an_event_carries_the_status_the_article_gives_it(status):
    event = Event("Meeting", span("Chile and Peru met"), ["country/chile", "country/peru"], status=status)
    graph = mapped(Extraction(article(), events=[event]))
    assert list(graph.objects(None, DIP.eventStatus)) == [DIPST[status]]


def test_words_dated_by_their_dispatch_say_so_on_their_report():
    statement = Event(
        "Statement",
        span("“We agree,” Boric said."),
        ["person/gabriel-boric"],
        date=TimeValue("2025-03-04", "day"),
        date_basis="dispatch",
    )
    graph = mapped(Extraction(article(), events=[statement]))
    assert list(graph.subject_objects(DIP.dateBasis)) == [(ID["report/chile-peru-01-1"], Literal("dispatch"))]
    assert list(graph.objects(None, DIP.dateText)) == []


def test_an_event_without_a_key_is_numbered_within_its_article():
    events = [Event("Meeting", span("Chile and Peru met"), ["country/chile"]) for _ in range(2)]
    graph = mapped(Extraction(article(), events=events))
    assert set(graph.subjects(RDF.type, DIP.Meeting)) == {ID["event/chile-peru-01-1"], ID["event/chile-peru-01-2"]}


def test_an_undated_event_has_no_date_and_no_date_text():
    event = Event("Meeting", span("Chile and Peru met"), ["country/chile"])
    graph = mapped(Extraction(article(), events=[event]))
    assert not list(graph.objects(None, DIP.date)) and not list(graph.objects(None, DIP.dateText))


# Quotes and relations


def test_a_quote_has_its_speakers_the_event_it_was_said_at_and_a_report():
    quote = Quote(
        "person/gabriel-boric",
        "We agree,",
        span("“We agree,” Boric said."),
        said_at=0,
        co_speakers=["person/dina-boluarte"],
    )
    graph = without_article_node(mapped(Extraction(article(), events=[MEETING], quotes=[quote])))
    quote_node = ID["quote/chile-peru-01-1"]
    described = Graph()
    for node in (quote_node, ID["report/chile-peru-01-2"]):
        for triple in graph.triples((node, None, None)):
            described.add(triple)
    assert_isomorphic(
        described,
        f"""
        quote:chile-peru-01-1 a dip:Quote ;
            rdfs:label "Quote of Gabriel Boric in {OPENING}"@en ;
            dip:quoteText "We agree,"@en ;
            dip:speaker person:gabriel-boric, person:dina-boluarte ;
            dip:saidAt event:2025-03-03-meeting-lima-chile-peru ;
            dip:reportedIn article:chile-peru-01 ;
            dip:report report:chile-peru-01-2 .
        report:chile-peru-01-2 a dip:Report ;
            rdfs:label "Report of the quote of Gabriel Boric in {OPENING}"@en ;
            dip:reportedIn article:chile-peru-01 ;
            dip:evidenceText "“We agree,” Boric said." ;
            dip:beginIndex {quote.evidence.start} ;
            dip:endIndex {quote.evidence.end} .
        """,
    )


def test_words_nobody_is_said_to_have_spoken_are_no_quote():
    graph = mapped(Extraction(article(), quotes=[Quote(None, "We agree,", span("“We agree,”"))]))
    assert (None, RDF.type, DIP.Quote) not in graph


def test_a_quote_said_at_an_event_that_is_not_there_is_said_at_nothing():
    quote = Quote("person/gabriel-boric", "We agree,", span("“We agree,” Boric said."), said_at=3)
    graph = mapped(Extraction(article(), quotes=[quote]))
    assert (ID["quote/chile-peru-01-1"], RDF.type, DIP.Quote) in graph
    assert not list(graph.objects(None, DIP.saidAt))


def test_a_relation_is_named_by_its_parties_and_status_and_spans_its_time():
    relation = Relation(
        ("country/peru", "country/chile"),
        "border-closed",
        span("The border stays closed."),
        since=TimeValue("2025-02", "month"),
        until=TimeValue("2026", "year"),
        wording="stays closed",
    )
    graph = without_article_node(mapped(Extraction(article(), relations=[relation])))
    assert_isomorphic(
        graph,
        f"""
        relation:chile-peru-border-closed a dip:BilateralRelation ;
            rdfs:label "Chile – Peru: border closed"@en ;
            dip:party country:chile, country:peru ;
            dip:status dipst:border-closed ;
            dip:since "2025-02"^^xsd:gYearMonth ;
            dip:until "2026"^^xsd:gYear ;
            dip:reportedIn article:chile-peru-01 ;
            dip:report report:chile-peru-01-1 .
        report:chile-peru-01-1 a dip:Report ;
            rdfs:label "Report of Chile – Peru: border closed in {OPENING}"@en ;
            dip:reportedIn article:chile-peru-01 ;
            dip:evidenceText "The border stays closed." ;
            dip:beginIndex {relation.evidence.start} ;
            dip:endIndex {relation.evidence.end} ;
            dip:wording "stays closed"@en .
        """,
    )


# The shapes


def test_a_mapped_article_with_new_entities_events_quotes_and_relations_conforms_to_the_shapes():
    new = {
        key: Entity(key, kind, label, in_reference=False)
        for key, kind, label in (
            ("person/gabriel-boric", "Person", "Gabriel Boric"),
            ("organization/andes-forum", "Organization", "Andes Forum"),
            ("agreement/lima-accord", "Agreement", "Lima Accord"),
            ("country/chile", "Country", "Chile"),  # states outside the curated table, as the extractor gives them
            ("country/peru", "Country", "Peru"),
            ("place/lima", "Place", "Lima"),
        )
    }
    mentions = [Mention(key, span(word)) for key, word in (("country/chile", "Chile"), ("place/lima", "Lima"))]
    mentions += [Mention(key, span("Boric")) for key in new]
    quote = Quote("person/gabriel-boric", "We agree,", span("“We agree,” Boric said."), said_at=0)
    relation = Relation(("country/chile", "country/peru"), "border-closed", span("The border stays closed."))
    extraction = Extraction(
        article(published=dt.date(2025, 3, 4)),
        entities=new,
        mentions=mentions,
        events=[MEETING],
        quotes=[quote],
        relations=[relation],
    )
    result = validate(Mapper(BASE).dataset([extraction], load_reference(BASE)))
    assert result.conforms, result.text


def test_the_mapper_mints_iris_under_its_base():
    assert Mapper("https://example.org/other").entity_iri("person/ana-ruiz") == URIRef(
        "https://example.org/other/id/person/ana-ruiz"
    )


def test_mapped_graphs_keep_equal_terms_as_one_object_and_each_statement_once():
    graphs = MappedGraphs()
    one, two = URIRef("https://example.org/graph/one"), URIRef("https://example.org/graph/two")
    report = URIRef("https://example.org/id/report/r1")
    graphs.graph(one).add((URIRef(str(report)), DIP.evidenceText, Literal("Talks were held.")))
    graphs.graph(one).add((URIRef(str(report)), DIP.evidenceText, Literal("Talks were held.")))
    graphs.graph(two).add((URIRef(str(report)), DIP.evidenceText, Literal("Talks were held.")))
    (first,) = dict(graphs.items())[one]
    (second,) = dict(graphs.items())[two]
    assert first == second == (report, DIP.evidenceText, Literal("Talks were held."))
    assert all(a is b for a, b in zip(first, second, strict=True))  # DIP.x makes a new URIRef each time
    assert len(graphs) == 2
    assert sorted(graphs.names()) == [one, two]
