"""The Linked Data pages in a real headless Chromium: they render, log no error and fetch nothing off 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from kg.web.testing import LiveServer, publish_dataset
from tests.browser import keep_local
from tests.linked_data_fixture import BASE, EVENT, QUIET_ARTICLE, linked_data_dataset, publish_fixture

SHOTS = Path("/tmp/shots")
PAGES = {
    "home": ("/", "Timeline of events"),
    "entity-person": ("/id/person/hakan-fidan", "Offices held"),
    "entity-country": ("/id/country/armenia", "Bilateral relations"),
    "entity-event": (f"/{EVENT}", "Reported by 2 sources"),
    "article": ("/id/article/002-hostile", "facts from this article"),
    "dumps": ("/dumps/", "kg.trig.gz"),
    "ontology": ("/ontology", "Classes"),
    "shapes": ("/shapes", "SHACL shapes"),
    "not-found": ("/id/country/atlantis", "Nothing here"),
}

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser-pages")
    publish_fixture(data_dir)
    with LiveServer({"DATA_DIR": data_dir}) as live:
        yield live


@pytest.fixture
def page(browser, server):
    """A fresh page that records console errors, dialogs, and refuses (and records) any request off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.console_errors, page.dialogs = [], []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))

    keep_local(page)
    yield page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_cleanly(page, server, name):
    path, expected = PAGES[name]
    response = page.goto(server.url + path)
    assert response.status == (404 if name == "not-found" else 200)
    assert expected in page.locator("main").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    expected_errors = ["Failed to load resource: the server responded with a status of 404 (NOT FOUND)"]
    assert page.console_errors == (expected_errors if name == "not-found" else [])  # the page's own status
    assert page.outside == []
    assert page.dialogs == []  # the hostile article's <script> and onerror never ran
    assert page.evaluate(OVERFLOWING) == []


# Tables and code blocks that stick out of the box they sit in (the shapes' check tables once did).
OVERFLOWING = """() => [...document.querySelectorAll('main table, main pre, main dl')]
  .filter(e => e.getBoundingClientRect().right > e.parentElement.getBoundingClientRect().right + 1)
  .map(e => e.tagName + '.' + e.className)"""


def test_article_evidence_is_highlighted_and_linked(page, server):
    page.goto(server.url + "/id/article/002-hostile")
    marks = page.locator("mark.fact")
    assert marks.count() == 3
    assert marks.first.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.locator("a.fact-ref").first.click()
    assert page.evaluate("location.hash") == "#fact-1"
    assert page.locator("h1").inner_text().startswith('Fidan <script>alert("title")</script>')


def test_following_a_link_from_an_entity_stays_on_this_server(page, server):
    page.goto(server.url + "/id/person/hakan-fidan")
    page.locator("a", has_text="Minister of Foreign Affairs of Turkey").first.click()
    page.wait_for_load_state()
    assert page.url == server.url + "/id/position/minister-of-foreign-affairs-of-turkey"
    assert "Held by" in page.locator("main").inner_text()


def test_an_undated_article_reads_on_one_line_with_its_publisher(browser, tmp_path):
    dataset = linked_data_dataset()
    for graph in dataset.graphs():
        graph.remove((URIRef(BASE + QUIET_ARTICLE), DCTERMS.issued, None))
    publish_dataset(tmp_path, dataset)
    with LiveServer({"DATA_DIR": tmp_path}) as live:
        page = browser.new_page()
        page.goto(live.url + "/")
        item = page.locator("ul.articles li", has_text="Bayramov in Ankara for talks")
        meta = item.locator("> .muted")
        assert " ".join(meta.inner_text().split()) == "undated · Example News <i>Agency</i>"
        lines = meta.evaluate("m => m.getBoundingClientRect().height / parseFloat(getComputedStyle(m).lineHeight)")
        assert lines < 1.5  # one line: "undated" is not a block of its own
        page.close()
