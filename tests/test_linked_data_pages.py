"""The HTML pages: entity, article, home, ontology and shapes show what a reader needs, and escape article text."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.ids import DIP
from kg.publish import publish_atomically
from kg.terms import ONTOLOGY_FILE, SHAPES_FILE
from kg.web import create_app
from kg.web.describe import Segment, highlight, human_date, opening_words, readable
from kg.web.docs import SH
from tests.linked_data_fixture import (
    BASE,
    BUILD_ID,
    EVENT,
    HOSTILE_TEXT,
    QUIET_ARTICLE,
    linked_data_dataset,
    publish_fixture,
)

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("pages")
    publish_fixture(data)
    return data


@pytest.fixture
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir)}).test_client()


def page(client, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """Return the visible text of a page, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_person_page_shows_offices_events_and_quotes(client):
    html = page(client, "/id/person/hakan-fidan")
    text = text_of(html)
    assert "Offices held" in text and "Minister of Foreign Affairs of Turkey" in text and "4 Jun 2023" in text
    assert "Events" in text and "27 Aug 2024" in text
    assert '<time datetime="2024-08-27">27 Aug 2024</time>' in html
    assert "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara" in text
    assert "held talks with Fidan on regional peace on 27 August" in text  # evidence sentences
    assert 'href="/id/article/003-quiet#at-' in html  # link to the source article, at the span
    assert "Our brotherhood is eternal" in text
    assert 'href="http://www.wikidata.org/entity/Q1351237"' in html


def test_country_page_shows_bilateral_relations_over_time(client):
    text = text_of(page(client, "/id/country/armenia"))
    assert "Bilateral relations" in text
    closed, normal = text.index("border closed"), text.index("normalization process")
    assert closed < normal  # 1993 before 2021
    assert "1993" in text and "2021" in text
    assert "The border between Armenia and Turkey has been closed since 1993" in text


def test_event_page_shows_every_report_with_its_wording(client):
    text = text_of(page(client, f"/{EVENT}"))
    assert "Reported by 2 sources" in text
    assert "wording: met" in text and "wording: held talks" in text
    assert "Said at this event" in text and "Our brotherhood is eternal" in text


def test_article_page_marks_each_fact_in_the_text(client):
    html = page(client, "/id/article/002-hostile")
    assert html.count('<mark id="at-') == 3
    assert 'id="fact-3"' in html
    assert "Entities mentioned" in html and ">Jeyhun Bayramov</a>" in html
    assert "Example News &lt;i&gt;Agency&lt;/i&gt;" in html


def test_article_text_and_title_are_escaped(client):
    html = page(client, "/id/article/002-hostile")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>Bold claims</b>" not in html and "<b>Bayramov</b>" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in html
    for path in ("/id/person/hakan-fidan", f"/{EVENT}", "/", "/graph/article/002-hostile"):
        assert "<script>alert" not in page(client, path), path


def test_article_page_without_text_lists_the_evidence(tmp_path):
    dataset = linked_data_dataset()
    for graph in dataset.graphs():
        graph.remove((None, graph.namespace_manager.expand_curie("dip:articleText"), None))
    publish_atomically(tmp_path, BUILD_ID, dataset, Graph(), "Conforms: True")
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    text = text_of(page(client, "/id/article/002-hostile"))
    assert "not in the graph" in text
    assert "Our brotherhood is eternal" in text


def test_highlight_cuts_overlapping_spans():
    segments = highlight("abcdefgh", [(1, 5, 1), (3, 7, 2)])
    assert segments == [
        Segment("a", (), 0, ()),
        Segment("bc", (1,), 1, ()),
        Segment("de", (1, 2), 3, (1,)),
        Segment("fg", (2,), 5, (2,)),
        Segment("h", (), 7, ()),
    ]
    assert "".join(s.text for s in highlight(HOSTILE_TEXT, [])) == HOSTILE_TEXT


def test_home_page_links_everything_and_shows_the_timeline(client):
    html = page(client, "/")
    for link in (
        "/query",
        "/dumps/",
        "/ontology",
        "/shapes",
        "/dumps/validation-report.ttl",
        "/dumps/validation-report.txt",
        "/.well-known/void",
    ):
        assert f'href="{link}"' in html, link
    text = text_of(html)
    assert "Timeline of events" in text and "27 Aug 2024" in text and "2 sources" in text
    assert "conforms" in text
    assert "Bayramov in Ankara for talks" in text


def test_ontology_page_documents_every_term():
    ontology = Graph().parse(ONTOLOGY_FILE)
    app = create_app({"DATA_DIR": "/nonexistent"})
    html = app.test_client().get("/ontology", headers=BROWSER).get_data(as_text=True)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept):
        for term in ontology.subjects(RDF.type, kind):
            anchor = str(term).rsplit("#", 1)[-1]
            assert f'id="{anchor}"' in html, term
    assert "skos:closeMatch" not in html  # alignments are shown as links under "Aligned with"
    assert "Aligned with" in html and "cameo:040" in html


def test_ontology_and_shapes_by_content_negotiation():
    client = create_app({"DATA_DIR": "/nonexistent"}).test_client()
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and turtle.data == ONTOLOGY_FILE.read_bytes()
    assert "Accept" in turtle.vary
    assert client.get("/ontology.ttl").data == ONTOLOGY_FILE.read_bytes()
    jsonld = client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.data, format="json-ld")) == len(Graph().parse(ONTOLOGY_FILE))
    assert client.get("/ontology/status", headers=BROWSER).status_code == 200
    shapes = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert shapes.data == SHAPES_FILE.read_bytes()
    assert client.head("/shapes", headers=BROWSER).status_code == 200


def test_shapes_page_lists_every_shape_with_what_it_checks():
    shapes = Graph().parse(SHAPES_FILE)
    html = create_app({"DATA_DIR": "/nonexistent"}).test_client().get("/shapes", headers=BROWSER).get_data(as_text=True)
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert f'id="{str(shape).rsplit("#", 1)[-1]}"' in html, shape
    text = text_of(html)
    assert "Violation" in text and "Warning" in text
    assert "Article needs exactly one dct:identifier" in text  # the message a user will see
    assert "SPARQL" in text


def variant_client(tmp_path, change) -> object:
    """Return a client on the fixture release after `change(dataset)` edited it."""
    dataset = linked_data_dataset()
    change(dataset)
    publish_atomically(tmp_path, BUILD_ID, dataset, Graph(), "Conforms: True")
    return create_app({"DATA_DIR": str(tmp_path)}).test_client()


def _restate_relations_in_the_quiet_article(dataset):
    quiet = dataset.graph(URIRef(BASE + "graph/article/003-quiet"))
    closed = URIRef(BASE + "id/relation/armenia-turkey-border-closed")
    for country in ("armenia", "turkey"):
        quiet.add((closed, DIP.party, URIRef(f"{BASE}id/country/{country}")))
    hostile = URIRef(BASE + "id/relation/armenia-turkey-hostile")
    quiet.add((hostile, RDF.type, DIP.BilateralRelation))
    for country in ("armenia", "turkey"):
        quiet.add((hostile, DIP.party, URIRef(f"{BASE}id/country/{country}")))
    quiet.add((hostile, DIP.status, URIRef("https://w3id.org/diplomacy-kg/ontology/status#hostile")))
    _report_in_the_quiet_article(quiet, hostile, "003-quiet-3", "regional peace")


def _report_in_the_quiet_article(quiet: Graph, fact: URIRef, name: str, evidence: str) -> None:
    report = URIRef(f"{BASE}id/report/{name}")
    quiet.add((fact, DIP.report, report))
    quiet.add((report, RDF.type, DIP.Report))
    quiet.add((report, DIP.reportedIn, URIRef(BASE + QUIET_ARTICLE)))
    quiet.add((report, DIP.evidenceText, Literal(evidence)))


def test_relation_stated_by_two_articles_names_each_party_once(tmp_path):
    client = variant_client(tmp_path, _restate_relations_in_the_quiet_article)
    html = page(client, "/id/relation/armenia-turkey-border-closed")
    assert "<h1>Armenia – Turkey: border closed</h1>" in html
    assert "Armenia – Armenia" not in page(client, "/graph/article/003-quiet")


def test_country_relations_are_grouped_by_partner_and_undated_ones_placed_by_their_first_report(tmp_path):
    client = variant_client(tmp_path, _restate_relations_in_the_quiet_article)
    html = page(client, "/id/country/armenia")
    table = html[html.index('<table class="data relations">') : html.index("</table>")]
    assert table.count('<tbody class="partner">') == 1  # one partner, Türkiye, with three statuses
    assert 'rowspan="3"' in table
    text = text_of(table)
    assert text.index("border closed") < text.index("normalization process") < text.index("hostile")
    assert "reported 29 Aug 2024" in text  # the undated status, by the date of the article that reports it


def test_article_without_a_headline_is_named_by_its_opening_words(tmp_path):
    def untitle(dataset):
        for graph in dataset.graphs():
            graph.remove((URIRef(BASE + QUIET_ARTICLE), DCTERMS.title, None))

    client = variant_client(tmp_path, untitle)
    opening = "Bayramov travelled to Ankara, where he held talks with Fidan on…"
    html = page(client, "/" + QUIET_ARTICLE)
    assert f"<h1>{opening}</h1>" in html
    assert "The source has no headline" in html and "003-quiet" in html
    assert opening in text_of(page(client, "/"))
    assert ">003-quiet</a>" not in page(client, "/id/person/hakan-fidan")
    assert f"{opening}</a>." not in page(client, "/graph/article/003-quiet")  # no full stop after the ellipsis


def test_opening_words_are_cut_at_a_word():
    assert opening_words("Short text.") == "Short text."
    assert opening_words("one two three four", limit=10) == "one two…"
    assert opening_words("a,\n\nb  c", limit=72) == "a, b c"


def test_reports_are_named_for_the_fact_they_report(client):
    html = page(client, "/graph/article/002-hostile")
    assert "Report of Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara" in html
    assert "Report in" not in html
    assert "<h1>Graph of “Fidan &lt;script&gt;" in html


@pytest.mark.parametrize(
    ("iri", "words"),
    [
        ("http://www.w3.org/ns/prov#wasGeneratedBy", "was generated by"),
        ("https://schema.org/url", "url"),
        ("https://schema.org/NewsArticle", "NewsArticle"),
        ("https://w3id.org/diplomacy-kg/ontology/status#border-closed", "border-closed"),
        ("https://w3id.org/diplomacy-kg/id/person/hakan-fidan", "hakan-fidan"),
        ("http://www.wikidata.org/entity/Q43", "Wikidata Q43"),
        ("http://example.org/elsewhere", "http://example.org/elsewhere"),
    ],
)
def test_unlabelled_iris_read_as_words(iri, words):
    assert readable(ox.NamedNode(iri)) == words


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2024-08-27", "27 Aug 2024"),
        ("2024-08", "Aug 2024"),
        ("1918", "1918"),
        ("2024-13", "2024-13"),
        ("2024-08-27T10:00:00", "2024-08-27T10:00:00"),
        (None, ""),
    ],
)
def test_dates_are_shown_at_their_precision(value, shown):
    assert human_date(value) == shown


def test_event_page_leads_with_when_where_and_who(client):
    html = page(client, f"/{EVENT}")
    summary = html[html.index('<dl class="summary">') : html.index("</dl>")]
    assert " ".join(text_of(summary).split()) == (
        "date 27 Aug 2024 place Ankara participant Hakan Fidan , Jeyhun Bayramov event status happened"
    )
    assert html.index('<dl class="summary">') < html.index("Reported by 2 sources")


def test_quote_page_leads_with_speaker_and_event(client):
    summary = text_of(page(client, "/id/quote/002-hostile-1").split('<dl class="summary">')[1].split("</dl>")[0])
    assert "speaker Hakan Fidan" in summary and "said at Meeting of Hakan Fidan" in summary


def test_evidence_that_opens_with_a_quotation_mark_is_not_quoted_twice(client):
    for path in ("/id/quote/002-hostile-1", "/id/article/002-hostile"):
        html = page(client, path)
        assert "&#34;Our brotherhood is eternal,&#34; Fidan said" in html, path
        assert "“&#34;Our" not in html, path
    assert "“The border between Armenia and Turkey has been closed since 1993”" in page(client, "/id/country/armenia")


def _repeat_the_quote_in_the_quiet_article(dataset):
    quiet = dataset.graph(URIRef(BASE + "graph/article/003-quiet"))
    quote = URIRef(BASE + "id/quote/003-quiet-1")
    quiet.add((quote, RDF.type, DIP.Quote))
    quiet.add((quote, DIP.quoteText, Literal("Our brotherhood is eternal", lang="en")))
    quiet.add((quote, DIP.speaker, URIRef(BASE + "id/person/hakan-fidan")))
    quiet.add((quote, DIP.saidAt, URIRef(BASE + EVENT)))
    _report_in_the_quiet_article(quiet, quote, "003-quiet-9", "Our brotherhood is eternal, Fidan told reporters")


def test_the_same_words_reported_by_two_articles_are_one_quote(tmp_path):
    client = variant_client(tmp_path, _repeat_the_quote_in_the_quiet_article)
    for path, section in (("/id/person/hakan-fidan", "Quotes"), (f"/{EVENT}", "Said at this event")):
        html = page(client, path)
        quotes = html[html.index(f"<h2>{section}</h2>") :]
        assert quotes.count('<figure class="quote">') == 1, path
        assert 'href="/id/article/002-hostile#at-' in quotes and 'href="/id/article/003-quiet"' in quotes
        assert 'href="/id/quote/002-hostile-1"' in quotes and 'href="/id/quote/003-quiet-1"' in quotes


def test_quote_captions_have_no_dangling_separator(client):
    html = page(client, "/id/person/hakan-fidan")
    captions = re.findall(r'<figcaption class="parts">(.*?)</figcaption>', html, re.S)
    assert captions
    for caption in captions:
        assert caption.strip().startswith("<span>"), caption
        assert "·" not in text_of(caption)  # separators come from the stylesheet, between parts only


def test_html_suffix_gives_the_page(client):
    response = client.get("/id/person/hakan-fidan.html", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<h1>Hakan Fidan</h1>" in response.get_data(as_text=True)
    assert client.get("/graph/article/002-hostile.html").mimetype == "text/html"


@pytest.mark.parametrize(
    "path", ["/", "/id/person/hakan-fidan", "/id/article/002-hostile", "/dumps/", "/ontology", "/shapes"]
)
def test_every_page_brings_its_own_icon(client, path):
    """Browsers otherwise ask for /favicon.ico, which is not there: a 404 in every page's console."""
    assert '<link rel="icon" href="data:image/svg+xml,' in page(client, path)


def test_shapes_page_spells_out_alternatives_and_lists():
    html = create_app({"DATA_DIR": "/nonexistent"}).test_client().get("/shapes", headers=BROWSER).get_data(as_text=True)
    text = text_of(html)
    assert "either class dip:Country or class dip:Organization" in text
    assert "datatype xsd:date or datatype xsd:gYearMonth or datatype xsd:gYear" in text
    assert "one of dipst:diplomatic-relations, dipst:alliance" in text


def test_dumps_page_and_home_say_when_the_build_ran_and_how_to_count_the_quads(client):
    dumps = text_of(page(client, "/dumps/"))
    assert "built 1 Sep 2024, 12:00 UTC" in dumps
    quads = re.search(r"([\d,]+) quads in", dumps).group(1).replace(",", "")
    assert f'print(len(list(d.quads())))" # prints {quads}, the quads of kg.trig' in dumps
    assert "Built 1 Sep 2024, 12:00 UTC" in text_of(page(client, "/"))
