"""The views' data endpoints (/views/…/data.json), report, quote and VoID pages, literals as people read them."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from rdflib.namespace import XSD as XSD_TERMS

from kg.ids import DIP
from kg.publish import publish_atomically
from kg.terms import PREFIXES
from kg.web import create_app
from kg.web.describe import Term, for_readers, language_name
from tests.linked_data_fixture import BASE, BUILD_ID, EVENT, HOSTILE_TEXT, linked_data_dataset

XSD = "http://www.w3.org/2001/XMLSchema#"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def _state_event(graph: Graph, name: str, kind: URIRef, date: str) -> None:
    event = _iri(f"id/event/{name}")
    graph.add((event, RDF.type, kind))
    graph.add((event, RDFS.label, Literal(name, lang="en")))
    graph.add((event, DIP.participant, _iri("id/country/armenia")))
    graph.add((event, DIP.participant, _iri("id/country/turkey")))
    graph.add((event, DIP.date, Literal(date, datatype=XSD_TERMS.gYear if len(date) == 4 else XSD_TERMS.gYearMonth)))


def views_dataset():
    """The hand-made release, plus Bayramov's office and a border closed in 1993 and reopened in February 2023."""
    dataset = linked_data_dataset()
    extra = dataset.graph(_iri("graph/reference"))
    holding = _iri("id/holding/jeyhun-bayramov-minister-of-foreign-affairs-of-azerbaijan")
    office = _iri("id/position/minister-of-foreign-affairs-of-azerbaijan")
    extra.add((office, RDF.type, DIP.Position))
    extra.add((office, DIP.jurisdiction, _iri("id/country/azerbaijan")))
    extra.add((holding, RDF.type, DIP.PositionHolding))
    extra.add((holding, DIP.holder, _iri("id/person/jeyhun-bayramov")))
    extra.add((holding, DIP.position, office))
    _state_event(extra, "1993-border-closure", DIP.BorderClosure, "1993")
    _state_event(extra, "2023-02-border-opening", DIP.BorderOpening, "2023-02")
    return dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("views")
    report = Graph().parse(data="[] a <http://www.w3.org/ns/shacl#ValidationReport> .", format="turtle")
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    publish_atomically(data, BUILD_ID, views_dataset(), report, "Conforms: True\n", prefixes=prefixes)
    return data


@pytest.fixture
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir)}).test_client()


def test_pair_of_countries_has_their_shared_events_through_office_holders(client):
    data = client.get("/views/pair/data.json?a=turkey&b=azerbaijan").get_json()
    assert data["a"]["label"] == "Turkey" and data["b"]["href"] == "/id/country/azerbaijan"
    assert [e["iri"] for e in data["events"]] == [BASE + EVENT]
    event = data["events"][0]
    assert (event["kind"], event["start"], event["sources"], event["href"]) == ("Meeting", "2024-08-27", 2, f"/{EVENT}")
    assert data["bands"] == []


def test_pair_bands_come_from_relation_statements_and_from_state_events(client):
    data = client.get("/views/pair/data.json?a=id/country/armenia&b=" + BASE + "id/country/turkey").get_json()
    bands = {(b["status"], b["basis"]): (b["start"], b["end"]) for b in data["bands"]}
    assert bands == {
        ("border-closed", "since"): ("1993-01-01", None),  # stated "closed since 1993", no end stated
        ("border-closed", "event"): ("1993-01-01", "2023-02-01"),  # closed in 1993, opened in February 2023
        ("normalization-process", "since"): ("2021-01-01", None),
    }
    stated = next(b for b in data["bands"] if b["basis"] == "since" and b["status"] == "border-closed")
    assert stated["label"] == "border closed"
    assert stated["evidence"] == ["The border between Armenia and Turkey has been closed since 1993"]
    assert [e["label"] for e in data["events"]] == ["1993-border-closure", "2023-02-border-opening"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("a=atlantis&b=turkey", "parameter 'a': 'atlantis' names no country"),
        ("a=turkey&b=id/person/hakan-fidan", "parameter 'b': 'id/person/hakan-fidan' names no country"),
        ("a=turkey&b=turkey", "name two different countries"),
        ("a=turkey", "give two countries"),
        ("", "two countries are required"),
        ("a=turkey&b=%3Cbad%20iri%3E://x", "parameter 'b'"),
    ],
)
def test_pair_rejects_what_names_no_two_countries(client, query, named):
    response = client.get("/views/pair/data.json?" + query)
    assert response.status_code == 400
    assert named in response.get_data(as_text=True)


def test_pair_page_has_the_chooser_the_bands_and_the_events(client):
    page = client.get("/views/pair?a=armenia&b=turkey", headers=BROWSER).get_data(as_text=True)
    assert '<option value="armenia" selected>Armenia</option>' in page
    assert "Armenia</a> and <a" in page and "border closed" in page and "2023-02-border-opening" in page
    assert "vis-timeline-graph2d.min.js" in page
    chooser = client.get("/views/pair", headers=BROWSER)
    assert chooser.status_code == 200 and '<select name="a" required>' in chooser.get_data(as_text=True)


def test_network_weights_edges_by_shared_events_and_filters_by_year(client):
    data = client.get("/views/network/data.json").get_json()
    assert data["years"] == ["1993", "2023", "2024"]
    weights = {(e["source"].rsplit("/", 1)[-1], e["target"].rsplit("/", 1)[-1]): e["weight"] for e in data["edges"]}
    assert weights == {("hakan-fidan", "jeyhun-bayramov"): 1, ("armenia", "turkey"): 2}
    nodes = {n["label"]: n for n in data["nodes"]}
    assert nodes["Turkey"] == {
        "id": BASE + "id/country/turkey",
        "href": "/id/country/turkey",
        "label": "Turkey",
        "kind": "Country",
        "events": 2,
    }
    in_2024 = client.get("/views/network/data.json?year=2024").get_json()
    assert {n["label"] for n in in_2024["nodes"]} == {"Hakan Fidan", "Jeyhun Bayramov"}
    assert client.get("/views/network/data.json?year=24").status_code == 400
    page = client.get("/views/network?year=2024", headers=BROWSER).get_data(as_text=True)
    assert "Who met whom in 2024" in page and 'href="/id/person/hakan-fidan"' in page


def test_framing_sets_each_article_s_wording_side_by_side(client):
    data = client.get(f"/views/framing/data.json?event={EVENT}").get_json()
    assert data["event"]["label"] == "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara"
    rows = [(r["issued"], r["wording"], r["outlet"], r["href"].split("#")[0]) for r in data["reports"]]
    assert rows == [
        ("2024-08-28", "met", "Example News <i>Agency</i>", "/id/article/002-hostile"),
        ("2024-08-29", "held talks", "Example News <i>Agency</i>", "/id/article/003-quiet"),
    ]
    assert data["reports"][0]["href"] == "/id/article/002-hostile#at-0"
    page = client.get(f"/views/framing?event={EVENT}", headers=BROWSER).get_data(as_text=True)
    assert page.count('<article class="frame">') == 2 and "Example News &lt;i&gt;Agency&lt;/i&gt;" in page
    listing = client.get("/views/framing", headers=BROWSER).get_data(as_text=True)
    assert f'href="/views/framing?event={EVENT}"' in listing
    assert client.get("/views/framing/data.json?event=id/country/turkey").status_code == 400


def test_labels_of_iris_found_by_a_query(client):
    response = client.get("/views/labels.json", query_string={"iri": [BASE + EVENT, "https://example.org/x"]})
    labels = response.get_json()
    assert labels[BASE + EVENT] == {
        "label": "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara",
        "href": f"/{EVENT}",
    }
    assert labels["https://example.org/x"]["href"] == "https://example.org/x"
    assert client.get("/views/labels.json").status_code == 400


def test_report_page_leads_with_the_fact_and_its_sentence_linked_into_the_article(client):
    page = client.get("/id/report/002-hostile-3", headers=BROWSER).get_data(as_text=True)
    lead = page.split('<section class="report-lead">', 1)[1].split("</section>", 1)[0]
    assert 'href="/id/relation/armenia-turkey-border-closed"' in lead
    assert '<mark class="fact">The border between Armenia and Turkey has been closed since 1993</mark>' in lead
    begin = HOSTILE_TEXT.index("The border between")  # the anchor is the evidence's offset in the article text
    assert f'href="/id/article/002-hostile#at-{begin}"' in lead
    assert page.index("report-lead") < page.index("All statements")


def test_literals_read_as_people_read_them(client):
    page = client.get("/id/article/003-quiet", headers=BROWSER).get_data(as_text=True)
    assert ">English<" in page and "@en" not in page
    assert not any(tag in page for tag in ('<span class="tag">integer', "true boolean", ">boolean<"))
    person = client.get("/id/person/hakan-fidan", headers=BROWSER).get_data(as_text=True)
    assert ">yes<" in person  # dip:inReference true


@pytest.mark.parametrize(
    ("term", "shown"),
    [
        (Term("true", "true", datatype=XSD + "boolean"), "yes"),
        (Term("0", "0", datatype=XSD + "boolean"), "no"),
        (Term("12345", "12345", datatype=XSD + "nonNegativeInteger"), "12,345"),
        (Term("2024-08-27T10:15:00Z", "2024-08-27T10:15:00Z", datatype=XSD + "dateTime"), "27 Aug 2024, 10:15"),
        (Term("1.5", "1.5", datatype=XSD + "decimal"), "1.5"),
        (Term("Ankara", "Ankara", lang="en"), "Ankara"),
    ],
)
def test_for_readers(term, shown):
    assert for_readers(term) == shown


def test_language_names():
    assert [language_name(c) for c in ("en", "tr", "en-GB", "xx")] == ["English", "Turkish", "English (GB)", "xx"]


def test_quote_page_links_the_same_words_as_another_article_reports_them(tmp_path):
    dataset = linked_data_dataset()
    other = dataset.graph(_iri("graph/article/003-quiet"))
    quote = _iri("id/quote/003-quiet-9")
    other.add((quote, RDF.type, DIP.Quote))
    other.add((quote, DIP.quoteText, Literal("Our  brotherhood is ETERNAL", lang="en")))
    other.add((quote, DIP.speaker, _iri("id/person/hakan-fidan")))
    publish_atomically(tmp_path, BUILD_ID, dataset, Graph(), "not validated")
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    page = client.get("/id/quote/002-hostile-1", headers=BROWSER).get_data(as_text=True)
    section = page.split("The same words as other articles report them", 1)[1].split("</section>", 1)[0]
    assert 'href="/id/quote/003-quiet-9"' in section
    back = client.get("/id/quote/003-quiet-9", headers=BROWSER).get_data(as_text=True)
    assert 'href="/id/quote/002-hostile-1"' in back


def test_void_page_for_browsers_names_blank_nodes_the_same_on_every_request(client):
    first = client.get("/.well-known/void", headers=BROWSER)
    second = client.get("/.well-known/void", headers=BROWSER)
    assert first.mimetype == "text/html" and "VoID and DCAT description" in first.get_data(as_text=True)
    assert first.get_data() == second.get_data()
    assert 'href="#n' in first.get_data(as_text=True)
    turtle = [client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data() for _ in range(2)]
    assert turtle[0] == turtle[1]
    assert isomorphic(Graph().parse(data=turtle[0], format="turtle"), Graph().parse(data=turtle[1], format="turtle"))
