"""Linked Data hygiene: the IRI policy, a label on every resource, documents that describe themselves,
JSON-LD in the pages, robots.txt and the sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from kg.search import INDEX_FILE, SearchIndex
from kg.web import create_app
from tests.linked_data_fixture import BASE, EVENT, HOSTILE_ARTICLE
from tests.search_fixture import publish_search_fixture

VOID = Namespace("http://rdfs.org/ns/void#")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FIDAN = "id/person/hakan-fidan"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hygiene")
    publish_search_fixture(folder)
    return folder


@pytest.fixture
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "PUBLIC_URL": "https://kg.example/"}).test_client()


# The IRI policy: 200, naming the document that answered


@pytest.mark.parametrize(
    ("accept", "suffix", "media_type"),
    [
        ("text/html", "html", "text/html"),
        ("text/turtle", "ttl", "text/turtle"),
        ("application/ld+json", "jsonld", "application/ld+json"),
    ],
)
def test_an_iri_answers_200_naming_the_document_it_sent(client, accept, suffix, media_type):
    response = client.get(f"/{FIDAN}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == f"/{FIDAN}.{suffix}"
    assert f'</{FIDAN}.{suffix}>; rel="describedby"; type="{media_type}"' in response.headers["Link"]
    assert "Accept" in response.headers["Vary"]
    assert client.get(response.headers["Content-Location"]).status_code == 200


def test_a_document_url_is_itself_and_links_back_to_the_thing(client):
    response = client.get(f"/{FIDAN}.ttl")
    assert response.status_code == 200
    assert "Content-Location" not in response.headers
    assert response.headers["Link"] == f'<{BASE}{FIDAN}>; rel="canonical"'


def test_an_rdf_description_says_what_it_is_about_where_from_and_under_which_licence(client):
    graph = Graph().parse(data=client.get(f"/{FIDAN}", headers={"Accept": "text/turtle"}).data, format="turtle")
    document, person = URIRef(f"{BASE}{FIDAN}.ttl"), URIRef(BASE + FIDAN)
    assert (document, RDF.type, FOAF.Document) in graph
    assert (document, FOAF.primaryTopic, person) in graph
    assert (document, VOID.inDataset, URIRef(f"{BASE}.well-known/void#dataset")) in graph
    assert (document, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    assert (document, RDFS.label, Literal("Description of Hakan Fidan", lang="en")) in graph


def test_the_document_triples_name_the_document_in_the_format_asked_for(client):
    graph = Graph().parse(data=client.get(f"/{FIDAN}.nt").data, format="nt")
    assert set(graph.subjects(FOAF.primaryTopic, URIRef(BASE + FIDAN))) == {URIRef(f"{BASE}{FIDAN}.nt")}


# JSON-LD in the pages


def embedded(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_a_person_page_embeds_schema_org_json_ld(client):
    data = embedded(client.get(f"/{FIDAN}").get_data(as_text=True))
    assert data["@context"] == "https://schema.org"
    assert (data["@id"], data["@type"], data["name"]) == (BASE + FIDAN, "Person", "Hakan Fidan")
    assert data["sameAs"] == ["http://www.wikidata.org/entity/Q1351237"]


def test_an_event_page_embeds_its_date_place_and_participants(client):
    data = embedded(client.get(f"/{EVENT}").get_data(as_text=True))
    assert data["@type"] == "Event"  # dip:Meeting is an event kind
    assert data["startDate"] == "2024-08-27"
    assert data["location"] == {"@id": BASE + "id/place/ankara", "name": "Ankara"}
    assert {a["name"] for a in data["attendee"]} == {"Hakan Fidan", "Jeyhun Bayramov"}


def test_markup_in_an_article_cannot_leave_its_json_ld(client):
    page = client.get(f"/{HOSTILE_ARTICLE}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = embedded(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith('Fidan <script>alert("title")</script>')
    assert data["publisher"] == {"@type": "Organization", "name": "Example News <i>Agency</i>"}


# robots.txt and the sitemap


def test_robots_txt_keeps_crawlers_off_the_query_surfaces_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert {"Disallow: /sparql", "Disallow: /api/", "Disallow: /search"} <= set(lines)
    assert "Sitemap: https://kg.example/sitemap.xml" in lines


def test_the_sitemap_lists_the_site_pages_and_every_indexed_resource(client, data_dir):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SITEMAP}urlset"
    urls = [u.findtext(f"{SITEMAP}loc") for u in root]
    resources = [iri for iri, _ in SearchIndex((data_dir / "current").resolve() / INDEX_FILE).resources()]
    assert urls[:3] == ["https://kg.example/", "https://kg.example/query", "https://kg.example/dumps/"]
    assert urls[-len(resources) :] == ["https://kg.example/" + iri[len(BASE) :] for iri in resources]
    assert f"https://kg.example/{FIDAN}" in urls
    assert {u.findtext(f"{SITEMAP}lastmod") for u in root} == {"2024-09-01"}


def test_a_large_sitemap_becomes_an_index_of_parts(data_dir):
    client = create_app({"DATA_DIR": str(data_dir), "PUBLIC_URL": "https://kg.example/", "SITEMAP_MAX_URLS": 10})
    client = client.test_client()
    whole = [
        u.findtext(f"{SITEMAP}loc")
        for u in ET.fromstring(
            create_app({"DATA_DIR": str(data_dir), "PUBLIC_URL": "https://kg.example/"})
            .test_client()
            .get("/sitemap.xml")
            .data
        )
    ]
    root = ET.fromstring(client.get("/sitemap.xml").data)
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [s.findtext(f"{SITEMAP}loc") for s in root]
    assert parts == [f"https://kg.example/sitemap-{n}.xml" for n in range(1, (len(whole) + 9) // 10 + 1)]
    listed = []
    for part in parts:
        listed += [
            u.findtext(f"{SITEMAP}loc") for u in ET.fromstring(client.get(part.removeprefix("https://kg.example")).data)
        ]
    assert listed == whole
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


# A label on every resource the mapping mints (built from the seed articles)


def test_every_resource_of_the_seed_graph_has_a_label(seed_release):
    store = ox.Store.read_only(str(seed_release / "store"))
    unlabelled = store.query(
        """SELECT DISTINCT ?s WHERE { ?s a ?type .
             FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/diplomacy-kg/id/"))
             FILTER NOT EXISTS { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } }""",
        use_default_graph_as_union=True,
    )
    assert [row["s"].value for row in unlabelled] == []


def test_a_named_happening_keeps_the_one_name_the_reference_gives_it(seed_release):
    store = ox.Store.read_only(str(seed_release / "store"))
    names = [
        row["label"].value
        for row in store.query(
            """SELECT DISTINCT ?label WHERE {
                 <https://w3id.org/diplomacy-kg/id/event/first-nagorno-karabakh-war>
                   <http://www.w3.org/2000/01/rdf-schema#label> ?label }""",
            use_default_graph_as_union=True,
        )
    ]
    assert names == ["First Nagorno-Karabakh War"]


def test_the_seed_index_finds_pashinyan_from_four_letters(seed_release):
    hits = SearchIndex(seed_release / INDEX_FILE).search("Pash").hits
    assert hits[0].label == "Nikol Pashinyan"
    assert hits[0].type == "Person"
