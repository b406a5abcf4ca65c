"""List pages at /id/<segment>/: facets with counts, sorting, paging, downloads, and refusals naming the parameter."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph

from kg.web import create_app
from kg.web.browse import short_form
from kg.web.listings import LISTINGS

BASE = "https://w3id.org/diplomacy-kg/"
BROWSER = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(seed_data_dir):
    return create_app({"DATA_DIR": str(seed_data_dir)}).test_client()


def rows(client, url: str) -> dict:
    response = client.get(url + ("&" if "?" in url else "?") + "format=json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_every_segment_of_the_data_has_a_list(client):
    index = client.get("/id/", headers=BROWSER).get_data(as_text=True)
    for segment in ("event", "person", "country", "organization", "article", "quote", "relation", "holding"):
        assert f'href="/id/{segment}/"' in index
        assert client.get(f"/id/{segment}/", headers=BROWSER).status_code == 200
    assert client.get("/id/nothing/", headers=BROWSER).status_code == 404


def test_the_home_page_counts_link_to_the_lists(client):
    home = client.get("/", headers=BROWSER).get_data(as_text=True)
    for listing in LISTINGS[:3]:
        assert f'href="/id/{listing.segment}/"' in home
    people = rows(client, "/id/person/")
    assert f"<strong>{people['total']}</strong> people" in home


def test_a_facet_narrows_the_list_to_the_count_shown_beside_it(client):
    page = client.get("/id/event/", headers=BROWSER).get_data(as_text=True)
    assert 'data-value="id/country/armenia"' in page
    everything = rows(client, "/id/event/")
    armenia = rows(client, "/id/event/?country=id/country/armenia")
    assert 0 < armenia["total"] < everything["total"]
    for item in armenia["items"]:
        assert client.get(short_form(item["iri"], BASE).join(["/", ".ttl"])).status_code == 200
    counted = client.get("/id/event/", headers=BROWSER).get_data(as_text=True)
    shown = counted.split('data-value="id/country/armenia">Armenia</a> <span class="count">', 1)[1].split("<", 1)[0]
    assert int(shown) == armenia["total"]


def test_two_filters_both_hold(client):
    both = rows(client, "/id/event/?country=id/country/armenia&country=id/country/turkey")
    armenia = rows(client, "/id/event/?country=id/country/armenia")
    assert 0 < both["total"] <= armenia["total"]
    meetings = rows(client, "/id/event/?country=id/country/azerbaijan&kind=dip:Meeting")
    assert meetings["items"] and all(item["kind"][0]["label"] == "Meeting" for item in meetings["items"])


def test_a_full_iri_is_as_good_as_the_short_form(client):
    assert rows(client, f"/id/event/?country={BASE}id/country/armenia") == rows(
        client, "/id/event/?country=id/country/armenia"
    )


def test_the_year_facet_and_the_date_sort(client):
    year = rows(client, "/id/event/?year=2024&sort=date")
    dates = [item["date"] for item in year["items"]]
    assert dates and all(d.startswith("2024") for d in dates) and dates == sorted(dates)
    newest = rows(client, "/id/event/?sort=-date")["items"]
    assert newest[0]["date"] >= newest[1]["date"]
    assert newest[-1]["date"] is None  # undated events come last, whichever the direction


def test_paging_walks_the_whole_list_once(client):
    total = rows(client, "/id/event/")["total"]
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/id/event/?size=25&page={number}&sort=label", headers=BROWSER)
        if number > -(-total // 25):
            assert page.status_code == 400
            break
        html = page.get_data(as_text=True)
        body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        seen += [line for line in body.split("<tr>") if "href" in line]
    assert len(seen) == total


def test_downloads_hold_the_same_rows_with_the_same_filters(client):
    listed = rows(client, "/id/event/?country=id/country/armenia")
    table = client.get("/id/event/?country=id/country/armenia&format=csv")
    assert table.mimetype == "text/csv"
    records = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert [r["iri"] for r in records] == [item["iri"] for item in listed["items"]]
    graph = Graph().parse(data=client.get("/id/event/?country=id/country/armenia&format=ttl").data, format="turtle")
    assert {str(s) for s in graph.subjects()} == {item["iri"] for item in listed["items"]}
    negotiated = client.get("/id/event/?country=id/country/armenia", headers={"Accept": "text/csv"})
    assert negotiated.mimetype == "text/csv" and negotiated.data == table.data


def test_the_download_links_keep_the_filters(client):
    page = client.get("/id/event/?country=id/country/armenia&page=1&size=10", headers=BROWSER).get_data(as_text=True)
    link = page.split('data-format="csv"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query == {"country": ["id/country/armenia"], "format": ["csv"]}


def test_the_query_editor_link_lists_the_same_resources(client, seed_release):
    import pyoxigraph as ox

    page = client.get("/id/event/?country=id/country/armenia&kind=dip:War", headers=BROWSER).get_data(as_text=True)
    link = page.split('class="editor"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)["query"][0]
    store = ox.Store.read_only(str(seed_release / "store"))
    found = {s["item"].value for s in store.query(query, use_default_graph_as_union=True)}
    assert found == {
        item["iri"] for item in rows(client, "/id/event/?country=id/country/armenia&kind=dip:War")["items"]
    }


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/id/event/?colour=red", "`colour`"),
        ("/id/event/?country=id/country/atlantis", "`country`"),
        ("/id/event/?country=https://w3id.org/x>%20}%20;%20DROP%20ALL%20%23", "`country`"),
        ("/id/event/?sort=price", "`sort`"),
        ("/id/event/?page=0", "`page`"),
        ("/id/event/?page=abc", "`page`"),
        ("/id/event/?page=99", "`page`"),
        ("/id/event/?size=100000", "`size`"),
        ("/id/event/?format=pdf", "`format`"),
        ("/id/event/?sort=label&sort=date", "`sort`"),
        ("/id/person/?year=2024", "`year`"),  # people are not dated: no year facet
    ],
)
def test_bad_parameters_are_refused_by_name(client, url, named):
    response = client.get(url, headers=BROWSER)
    assert response.status_code == 400
    assert named in response.get_data(as_text=True)


def test_every_resource_page_links_to_its_list_and_the_query_editor(client):
    page = client.get("/id/person/hakan-fidan", headers=BROWSER).get_data(as_text=True)
    assert 'class="list" href="/id/person/"' in page
    link = page.split('class="editor" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert link.startswith("/query?")
    assert f"<{BASE}id/person/hakan-fidan>" in parse_qs(urlsplit(link).query)["query"][0]


def test_json_download_document(client):
    document = rows(client, "/id/person/?country=id/country/turkey")
    assert document["list"] == "People" and document["total"] == len(document["items"])
    fidan = next(item for item in document["items"] if item["label"] == "Hakan Fidan")
    assert any("Foreign Affairs" in office["label"] for office in fidan["offices"])
    assert json.loads(json.dumps(document)) == document
