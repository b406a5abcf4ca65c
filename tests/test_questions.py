"""Questions at /questions/<name>: typed parameters from the .rq files, checked, bound as terms, in four formats."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.sparql.results.rdfresults import RDFResultParser

from kg.web import create_app, questions, ui
from kg.web.questions import XSD_DATE, bind, parse

BASE = "https://w3id.org/diplomacy-kg/"
BROWSER = {"Accept": "text/html"}
ALL = questions.questions(BASE)


@pytest.fixture(scope="module")
def client(seed_data_dir):
    return create_app({"DATA_DIR": str(seed_data_dir)}).test_client()


def test_every_example_is_a_question_with_documented_typed_parameters():
    assert len(ALL) == len(ui.examples())
    kinds = {p.kind for q in ALL.values() for p in q.parameters}
    assert {"country", "person", "article", "event-kind", "date"} <= kinds
    for question in ALL.values():
        assert not question.slug[0].isdigit()
        for parameter in question.parameters:
            assert parameter.doc
            assert parameter.default is not None or parameter.optional


def test_binding_the_defaults_gives_back_the_file():
    for question in ALL.values():
        defaults = {p.name: p.default for p in question.parameters}
        assert ox.Store().query(bind(question, defaults)) is not None  # it parses
        assert bind(question, defaults).count("VALUES") == question.query.count("VALUES")


def test_a_bound_value_is_a_term_whatever_it_holds():
    """A literal full of SPARQL syntax stays one literal: pyoxigraph writes it escaped."""
    example = ui.Example(
        "9-probe",
        "probe",
        "",
        'SELECT ?day WHERE {\n  VALUES ?day { "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> }\n}\n',
    )
    question = parse(ui.Example(example.name, example.title, "", "# param day: date — a day\n" + example.query))
    hostile = ox.Literal('2020" } } ; SELECT * WHERE { ?s ?p ?o } #', datatype=XSD_DATE)
    solutions = list(ox.Store().query(bind(question, {"day": hostile})))
    assert [s["day"] for s in solutions] == [hostile]


def test_a_parameter_needs_exactly_one_values_line():
    with pytest.raises(ValueError, match="exactly one"):
        parse(ui.Example("x", "x", "", "# param day: date — a day\nSELECT * WHERE { ?s ?p ?o }\n"))
    with pytest.raises(ValueError, match="unknown type"):
        parse(ui.Example("x", "x", "", "# param day: colour — a colour\nSELECT * WHERE { VALUES ?day { 1 } }\n"))


def answer(client, url: str) -> list[dict]:
    response = client.get(url + ("&" if "?" in url else "?") + "format=json")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/sparql-results+json"
    return response.get_json()["results"]["bindings"]


def test_the_defaults_answer_as_the_example_does(client):
    rows = answer(client, "/questions/meetings-between-two-countries")
    assert any(row.get("date", {}).get("value") == "2024-08-27" for row in rows)


def test_parameters_change_the_answer(client):
    pair = "/questions/relations-between-two-countries"
    default = answer(client, pair)
    armenia_azerbaijan = answer(client, pair + "?countryA=id/country/armenia&countryB=id/country/azerbaijan")
    assert default and armenia_azerbaijan
    assert {r["status"]["value"] for r in default} != {r["status"]["value"] for r in armenia_azerbaijan}


def test_a_date_range_narrows_the_events(client):
    url = "/questions/events-of-a-person?person=id/person/jeyhun-bayramov"
    everything = answer(client, url)
    august = answer(client, url + "&from=2024-08-01&to=2024-08-31")
    assert 0 < len(august) < len(everything)
    assert all(row["date"]["value"].startswith("2024-08") for row in august)
    march = answer(client, url + "&from=2022-03-15&to=2022-03-20")  # dated to the month: March 2022 overlaps
    assert march and all(row["date"]["value"] == "2022-03" for row in march)


def test_an_event_kind_and_a_country(client):
    rows = answer(client, "/questions/events-of-a-kind?kind=dip:War&country=id/country/armenia")
    assert rows and all("Armenia" in row["countries"]["value"] for row in rows)


def test_the_same_answer_as_csv_and_turtle(client):
    url = "/questions/office-holders-on-a-date?day=2024-08-27"
    rows = answer(client, url)
    table = client.get(url + "&format=csv")
    assert table.mimetype == "text/csv"
    assert len(list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))) == len(rows)
    negotiated = client.get(url, headers={"Accept": "text/turtle"})
    assert negotiated.mimetype == "text/turtle"
    result = RDFResultParser().parse(Graph().parse(data=negotiated.data, format="turtle"))  # W3C result-set vocabulary
    assert len(result.bindings) == len(rows)
    read = sorted(sorted((str(k), str(v)) for k, v in b.items()) for b in result.bindings)
    assert read == sorted(sorted((k, v["value"]) for k, v in r.items()) for r in rows)
    assert client.get(url, headers={"Accept": "text/csv"}).data == table.data


def test_the_page_has_a_form_a_table_downloads_and_an_editor_link(client):
    page = client.get("/questions/meetings-between-two-countries?countryB=id/country/armenia", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert '<option value="id/country/armenia" selected>' in html
    assert '<input type="date" id="p-from" name="from" value=""' in html
    assert 'data-format="csv" href="/questions/meetings-between-two-countries?' in html
    link = html.split('class="editor" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)["query"][0]
    assert f"VALUES ?countryB {{ <{BASE}id/country/armenia> }}" in query
    assert "VALUES ?from { UNDEF }" in query
    index = client.get("/questions", headers=BROWSER).get_data(as_text=True)
    assert all(f'href="/questions/{slug}"' in index for slug in ALL)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ("countryA=id/country/atlantis", "`countryA`"),
        ("countryA=id/person/hakan-fidan", "`countryA`"),  # a resource, but not a country
        ("countryA=https://w3id.org/x>%20}%20}%20SELECT%20*%20WHERE%20{%20?s%20?p%20?o%20}%20%23", "`countryA`"),
        ("from=2024-02-30", "`from`"),
        ("from=2024-01-01%22^^xsd:date%20}%20FILTER(false)%20%23", "`from`"),
        ("to=yesterday", "`to`"),
        ("countryA=", "`countryA`"),
        ("colour=red", "`colour`"),
        ("countryA=id/country/turkey&countryA=id/country/armenia", "`countryA`"),
        ("format=pdf", "`format`"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(client, params, named):
    response = client.get(f"/questions/meetings-between-two-countries?{params}", headers=BROWSER)
    assert response.status_code == 400
    assert named in response.get_data(as_text=True)


def test_an_unknown_question_is_not_found(client):
    assert client.get("/questions/how-to-win-friends", headers=BROWSER).status_code == 404
