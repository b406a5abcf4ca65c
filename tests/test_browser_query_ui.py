"""The query UI in a real headless Chromium (Debian's, driven by Playwright): loads offline, runs an example."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from kg.web import ui
from kg.web.testing import LiveServer, publish_dataset
from tests.browser import keep_local

SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
SHOTS = Path("/tmp/shots")

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ui-data")
    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    publish_dataset(data_dir, dataset)
    with LiveServer({"DATA_DIR": data_dir, "QUERY_TIMEOUT": 10}) as live:
        yield live


@pytest.fixture
def page(browser, server):
    """A fresh page that records console errors and refuses (and records) any request off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))

    keep_local(page)
    yield page
    context.close()


def test_query_page_loads_offline_with_prefixes_and_examples(page, server):
    page.goto(server.url + "/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    editor = page.evaluate("window.kgYasgui.getTab().getYasqe().getValue()")
    for prefix in ("dip", "dipst", "rdfs", "skos", "owl", "dct", "schema", "prov", "xsd"):
        assert f"PREFIX {prefix}:" in editor
    assert page.locator("#examples button").count() == len(ui.examples())
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "query-ui-loaded.png"), full_page=True)
    assert page.console_errors == []
    assert page.outside == []


def test_running_an_example_shows_results(page, server):
    """Under the server's Content-Security-Policy (no inline script): a violation would be a console error."""
    response = page.goto(server.url + "/query")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator("#examples button", has_text="Meetings between two countries").click()
    assert "dip:Meeting" in page.evaluate("window.kgYasgui.getTab().getYasqe().getValue()")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=15_000)
    assert "Fidan and Bayramov meet in Ankara" in page.locator(".tabPanel.active .yasr").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "query-ui-results.png"), full_page=True)
    assert page.console_errors == []
    assert page.outside == []


def test_browser_asking_the_endpoint_gets_the_ui(page, server):
    page.goto(server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.title().startswith("SPARQL query")
    assert page.locator('nav[aria-label="Site"] a').count() >= 5  # the way back to the rest of the site
    assert page.outside == []
