"""The search index built with each release, and the search API and page that read it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.search import INDEX_FILE, SearchError, SearchIndex, build_index, fold, query_words
from kg.web import create_app
from tests.linked_data_fixture import BASE, EVENT
from tests.search_fixture import PASHINYAN, publish_search_fixture


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("search")
    return data_dir, publish_search_fixture(data_dir)


@pytest.fixture(scope="module")
def index(release):
    return SearchIndex(release[1] / INDEX_FILE)


@pytest.fixture
def client(release):
    return create_app({"DATA_DIR": str(release[0])}).test_client()


# Folding and the index


@pytest.mark.parametrize("name", ["Türkiye", "TURKIYE", "turkiye", "Türkİye", "türkıye"])
def test_names_fold_without_case_or_accents(name):
    assert fold(name) == "turkiye"


def test_query_words_are_letters_and_digits_only():
    assert query_words("Pash-inyan's  2024!") == ["pash", "inyan", "s", "2024"]
    assert query_words('"*_ OR (') == ["or"]


def test_the_index_is_published_with_the_release(release):
    assert (release[1] / INDEX_FILE).is_file()


@pytest.mark.parametrize("text", ["Türkiye", "turkiye", "TURK", "türk"])
def test_an_alias_finds_its_resource_whatever_the_accents_and_case(index, text):
    hit = index.search(text).hits[0]
    assert hit.iri == BASE + "id/country/turkey"
    assert hit.label == "Turkey"


def test_a_match_on_an_alias_says_so(index):
    hit = index.search("turkiye").hits[0]
    assert (hit.match_type, hit.match_text) == ("alias", "Türkiye")


@pytest.mark.parametrize("text", ["Pash", "pashi", "nikol pa", "Nik Pash"])
def test_every_word_is_a_prefix_for_autocomplete(index, text):
    assert index.search(text).hits[0].iri == PASHINYAN


def test_a_person_comes_before_the_events_and_articles_naming_them(index):
    hits = index.search("fid").hits
    assert hits[0].iri == BASE + "id/person/hakan-fidan"
    assert {h.family for h in hits[1:]} >= {"Event", "Article"}


def test_words_of_a_quotation_find_the_quote(index):
    hit = index.search("brotherhood").hits[0]
    assert (hit.type, hit.match_type, hit.match_text) == ("Quote", "text", "Our brotherhood is eternal")
    assert hit.label == "Quote of Hakan Fidan in Fidan meets Bayramov"


def test_a_node_without_a_label_is_named_from_its_facts(index):
    hit = index.search("armenia turkey", types=("BilateralRelation",)).hits[0]
    assert hit.label in ("Armenia – Turkey: border closed", "Armenia – Turkey: normalization process")


def test_each_hit_has_a_type_and_a_short_description(index):
    hit = index.search("Pashinyan").hits[0]
    assert (hit.type, hit.family) == ("Person", "Person")
    assert hit.description == "Person, Prime Minister of Armenia"
    event = index.search("meeting").hits[0]
    assert (event.iri, event.type, event.family) == (BASE + EVENT, "Meeting", "Event")
    assert event.description == "Meeting (event), 2024-08-27"


def test_a_type_or_its_family_filters_and_the_counts_are_of_all_hits(index):
    everything = index.search("ankara")
    events = index.search("ankara", types=("Event",))
    assert everything.by_type == {"Article": 1, "Meeting": 1, "Place": 1, "Report": 2}
    assert events.by_type == everything.by_type
    assert [h.type for h in everything.hits] == ["Place", "Meeting", "Article"]  # reports only when asked for
    assert [h.type for h in index.search("ankara", types=("Report",)).hits] == ["Report", "Report"]
    assert [h.type for h in events.hits] == ["Meeting"]
    assert events.total == 1
    assert [h.type for h in index.search("ankara", types=("Meeting", "Place")).hits] == ["Place", "Meeting"]


def test_pages_of_hits_do_not_overlap(index):
    first, second = index.search("a", limit=3), index.search("a", limit=3, offset=3)
    assert first.total == second.total > 6
    assert not {h.iri for h in first.hits} & {h.iri for h in second.hits}


def test_a_search_without_letters_is_an_error(index):
    with pytest.raises(SearchError, match="no letters or digits"):
        index.search("*** ---")


def test_each_resource_is_indexed_once_with_its_names(release, tmp_path):
    store = ox.Store.read_only(str(release[1] / "store"))
    count = build_index(store, tmp_path / INDEX_FILE, BASE)
    typed = {
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode(str(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type").value)), None
        )
        if q.subject.value.startswith(BASE + "id/")
    }
    assert count == len(typed)
    assert len(list(SearchIndex(tmp_path / INDEX_FILE).resources())) == count


def test_a_new_release_has_its_own_index(tmp_path):
    first = publish_search_fixture(tmp_path, "20250101T000000000000Z")
    second = publish_search_fixture(tmp_path, "20250102T000000000000Z")
    assert (first / INDEX_FILE).is_file() and (second / INDEX_FILE).is_file()
    assert (first / INDEX_FILE) != (second / INDEX_FILE)
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    assert client.get("/api/search?q=pash").json["search"][0]["id"] == PASHINYAN


def test_a_release_published_without_an_index_gets_one_on_first_search(tmp_path):
    release = publish_search_fixture(tmp_path)
    (release / INDEX_FILE).unlink()
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    assert client.get("/api/search?q=pash").json["search"][0]["id"] == PASHINYAN


# The JSON API


def test_the_api_answers_like_wbsearchentities(client):
    response = client.get("/api/search?q=Pash&language=en")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.json
    assert body["searchinfo"] == {"search": "Pash"}
    assert body["success"] == 1 and body["total"] == 1 and "search-continue" not in body
    assert body["search"] == [
        {
            "id": PASHINYAN,
            "iri": PASHINYAN,
            "concepturi": PASHINYAN,
            "url": "/id/person/nikol-pashinyan",
            "label": "Nikol Pashinyan",
            "type": "Person",
            "family": "Person",
            "description": "Person, Prime Minister of Armenia",
            "match": {"type": "label", "language": "en", "text": "Nikol Pashinyan"},
        }
    ]


def test_the_api_takes_wikidatas_parameter_name_and_continues(client):
    first = client.get("/api/search?search=a&limit=2").json
    assert len(first["search"]) == 2 and first["search-continue"] == 2
    second = client.get("/api/search?search=a&limit=2&continue=2").json
    assert not {h["id"] for h in first["search"]} & {h["id"] for h in second["search"]}


def test_the_api_filters_by_type_case_insensitively(client):
    body = client.get("/api/search?q=ankara&type=event,place").json
    assert [h["type"] for h in body["search"]] == ["Place", "Meeting"]


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ("", "missingparam", "`q` parameter must be set"),
        ("q=%20%20", "missingparam", "`q` parameter must be set"),
        ("q=" + "a" * 201, "toolong", "at most 200"),
        ("q=a&type=Spaceship", "badvalue", "type='Spaceship' is not a class"),
        ("q=a&limit=0", "badinteger", "limit='0': expected a whole number from 1 to 50"),
        ("q=a&limit=51", "badinteger", "limit='51'"),
        ("q=a&limit=ten", "badinteger", "limit='ten'"),
        ("q=a&continue=-1", "badinteger", "continue='-1'"),
        ("q=a&language=tr", "badvalue", "language='tr'"),
        ("q=%2A%2A%2A", "badvalue", "no letters or digits"),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(client, query, code, words):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code
    assert words in response.json["error"]["info"]


# The results page


def test_the_results_page_lists_hits_with_type_filters_and_counts(client):
    response = client.get("/search?q=ankara")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 results for “ankara”" in page
    assert 'href="/search?q=ankara&amp;type=Event">Event</a>\n        <span class="count">1</span>' in page
    assert 'href="/id/place/ankara">Ankara</a>' in page


def test_the_results_page_filters_by_type(client):
    page = client.get("/search?q=ankara&type=Event").get_data(as_text=True)
    assert "1 result for “ankara” among Event" in page
    assert 'href="/id/place/ankara"' not in page
    assert '<strong aria-current="true">Event</strong>' in page


def test_the_results_page_says_what_was_wrong(client):
    response = client.get("/search?q=a&type=Spaceship")
    assert response.status_code == 400
    assert "type=&#39;Spaceship&#39; is not a class" in response.get_data(as_text=True)


def test_every_page_has_the_search_box(client):
    for path in ("/", "/id/person/hakan-fidan", "/dumps/", "/search"):
        page = client.get(path).get_data(as_text=True)
        assert 'role="search" action="/search"' in page, path
        assert 'data-api="/api/search"' in page, path


def test_the_results_page_pages_through_many_hits(client, monkeypatch):
    monkeypatch.setattr("kg.web.search.PAGE_SIZE", 2)
    first = client.get("/search?q=a").get_data(as_text=True)
    assert "results for “a”, 1–2 shown." in first
    assert '<a rel="next" href="/search?q=a&amp;continue=2">Next →</a>' in first and 'rel="prev"' not in first
    second = client.get("/search?q=a&continue=2").get_data(as_text=True)
    assert "3–4 shown." in second
    assert '<a rel="prev" href="/search?q=a">← Previous</a>' in second
