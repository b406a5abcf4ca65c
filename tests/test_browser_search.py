"""The search box and results page in a real headless Chromium at desktop and phone widths, behind gunicorn."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from kg.web.testing import LiveServer
from tests.search_fixture import publish_search_fixture
from tests.test_browser_pages import OVERFLOWING, SHOTS

pytestmark = pytest.mark.live
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PERSON_PAGE = "/id/person/nikol-pashinyan"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser-search")
    publish_search_fixture(data_dir)
    with LiveServer({"DATA_DIR": data_dir}) as live:
        yield live


@pytest.fixture(params=list(WIDTHS))
def page(request, browser):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.width_name = request.param
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def suggest(page, server, text: str):
    page.goto(server.url + "/id/person/hakan-fidan")
    box = page.get_by_role("combobox", name="Search people, countries, events and articles")
    box.click()
    box.press_sequentially(text, delay=40)
    option = page.get_by_role("option").first
    expect(option).to_contain_text("Nikol Pashinyan")
    expect(box).to_have_attribute("aria-expanded", "true")
    return box, option


def test_typing_pash_suggests_pashinyan_and_the_keyboard_opens_his_page(page, server):
    box, option = suggest(page, server, "Pash")
    expect(option).to_contain_text("Person, Prime Minister of Armenia")
    box_area, list_area = box.bounding_box(), page.locator("#site-search-list").bounding_box()
    assert list_area["x"] >= 0 and list_area["x"] + list_area["width"] <= page.viewport_size["width"]
    assert box_area["x"] + box_area["width"] <= page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"search-suggestions-{page.width_name}.png"))
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "site-search-option-0")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(server.url + PERSON_PAGE)
    expect(page.locator("h1")).to_contain_text("Nikol Pashinyan")
    assert page.errors == []


def test_clicking_a_suggestion_opens_its_page(page, server):
    _, option = suggest(page, server, "pash")
    option.click()
    page.wait_for_url(server.url + PERSON_PAGE)
    expect(page.locator("h1")).to_contain_text("Nikol Pashinyan")
    assert page.errors == []


def test_escape_closes_the_suggestions(page, server):
    box, _ = suggest(page, server, "Pash")
    box.press("Escape")
    expect(page.locator("#site-search-list")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_enter_without_a_choice_opens_the_results_page_with_type_filters(page, server):
    page.goto(server.url + "/")
    box = page.get_by_role("combobox", name="Search people, countries, events and articles")
    box.fill("ankara")
    box.press("Enter")
    page.wait_for_url(server.url + "/search?q=ankara")
    main = page.locator("main")
    expect(main).to_contain_text("3 results for “ankara”")
    page.get_by_role("navigation", name="Filter by type").get_by_role("link", name="Event").click()
    page.wait_for_url(server.url + "/search?q=ankara&type=Event")
    expect(main).to_contain_text("1 result for “ankara” among Event")
    page.screenshot(path=str(SHOTS / f"search-results-{page.width_name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.evaluate(OVERFLOWING) == []
    assert page.errors == []


def test_over_http_an_iri_names_its_document_and_the_crawl_files_answer(server):
    response = requests.get(server.url + PERSON_PAGE, headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Location"] == PERSON_PAGE + ".ttl"
    assert f'<{PERSON_PAGE}.ttl>; rel="describedby"; type="text/turtle"' in response.headers["Link"]
    assert requests.get(server.url + "/robots.txt", timeout=10).text.startswith("User-agent: *\n")
    assert "nikol-pashinyan</loc>" in requests.get(server.url + "/sitemap.xml", timeout=10).text
    api = requests.get(server.url + "/api/search", params={"q": "türkiye"}, timeout=10)
    assert api.json()["search"][0]["label"] == "Turkey"
    assert api.headers["Access-Control-Allow-Origin"] == "*"


def test_the_header_search_box_is_empty_on_a_question_page(browser, server):
    """A page's own `query` (a question's SPARQL) never fills the site's search box."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    assert page.goto(server.url + "/questions/relations-between-two-countries").status == 200
    assert page.locator("#site-search-q").input_value() == ""
    page.goto(server.url + "/search?q=pash")
    assert page.locator("#site-search-q").input_value() == "pash"
    context.close()
