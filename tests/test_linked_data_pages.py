"""The HTML pages: entity, article, home, ontology and shapes show what a reader needs, and escape article text."""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, Graph
from rdflib.namespace import SKOS

from kg.mapping import ONTOLOGY_FILE, SHAPES_FILE
from kg.publish import publish_atomically
from kg.web import create_app
from kg.web.describe import Segment, highlight
from kg.web.docs import SH
from tests.linked_data_fixture import BUILD_ID, EVENT, HOSTILE_TEXT, linked_data_dataset, publish_fixture

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
    assert "Offices held" in text and "Minister of Foreign Affairs of Turkey" in text and "2023-06-04" in text
    assert "Events" in text and "2024-08-27" in text
    assert "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara" in text
    assert "held talks with Fidan on regional peace on 27 August" in text  # evidence sentences
    assert 'href="http://localhost/id/article/003-quiet#at-' in html  # link to the source article, at the span
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
        assert f'href="{link}"' in html or f'href="http://localhost{link}"' in html, link
    text = text_of(html)
    assert "Timeline of events" in text and "2024-08-27" in text and "2 sources" in text
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
