"""The views and the layout in real headless Chromium: drawings appear, links lead to pages, no sideways scroll."""

from __future__ import annotations

import pytest

from tests import test_browser_pages
from tests.browser import keep_local
from tests.linked_data_fixture import EVENT

pytestmark = pytest.mark.live
SHOTS = test_browser_pages.SHOTS
# The same fixtures as the page tests: the hand-made release under gunicorn, and Chromium.
server = test_browser_pages.server

# One page of every type the site serves.
PAGE_TYPES = {
    "home": "/",
    "query": "/query",
    "dumps": "/dumps/",
    "ontology": "/ontology",
    "shapes": "/shapes",
    "void": "/.well-known/void",
    "country": "/id/country/armenia",
    "person": "/id/person/hakan-fidan",
    "event": f"/{EVENT}",
    "article": "/id/article/002-hostile",
    "report": "/id/report/002-hostile-3",
    "quote": "/id/quote/002-hostile-1",
    "relation": "/id/relation/armenia-turkey-border-closed",
    "graph": "/graph/article/002-hostile",
    "views": "/views/",
    "view-pair": "/views/pair?a=armenia&b=turkey",
    "view-network": "/views/network",
    "view-framing": f"/views/framing?event={EVENT}",
    "not-found": "/id/country/atlantis",
}


def _page(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    keep_local(page)
    return context, page


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def page(request, browser, server):
    context, page = _page(browser, request.param)
    page.width = request.param
    yield page
    context.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_page_scrolls_sideways_and_the_navigation_shows_every_item(page, server, name):
    page.goto(server.url + PAGE_TYPES[name])
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"layout-{name}-{page.width}.png"), full_page=True)
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{name} at {page.width} px is {width} px wide"
    hidden = page.evaluate("""() => [...document.querySelectorAll('nav[aria-label="Site"] a')]
      .filter(a => { const r = a.getBoundingClientRect(), n = a.parentElement.getBoundingClientRect();
                     return r.width === 0 || r.right > Math.min(n.right, innerWidth) + 1 || r.left < n.left - 1; })
      .map(a => a.textContent)""")
    assert hidden == []
    assert page.locator('nav[aria-label="Site"] a').count() >= 6
    assert page.errors == [] and page.outside == []


def test_pair_view_draws_bands_and_events_and_a_band_leads_to_its_relation(page, server):
    page.goto(server.url + "/views/pair?a=armenia&b=turkey")
    page.wait_for_selector("#pair-timeline .vis-item.band")
    assert page.locator("#pair-timeline .vis-item.band").count() == 2
    assert "border closed" in page.locator("#pair-timeline").inner_text()
    page.locator("#pair-timeline .vis-item.band-border-closed").click()
    page.wait_for_url("**/id/relation/armenia-turkey-border-closed")
    assert page.errors == [] and page.outside == []


def test_pair_chooser_submits_two_countries(page, server):
    page.goto(server.url + "/views/pair")
    page.select_option("select[name=a]", "turkey")
    page.select_option("select[name=b]", "armenia")
    page.locator("form.chooser button").click()
    page.wait_for_selector("#pair-timeline .vis-item")
    assert page.url.endswith("/views/pair?a=turkey&b=armenia")
    assert page.locator("h1").inner_text() == "Turkey and Armenia over time"


def test_network_view_draws_a_canvas_and_a_node_click_opens_its_page(page, server):
    page.goto(server.url + "/views/network?year=2024")
    page.wait_for_selector("#actor-network canvas")
    page.wait_for_function("window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length === 2")
    position = page.evaluate("""() => { const n = window.kgNetwork, id = n.body.data.nodes.getIds()
        .find(i => i.endsWith('/hakan-fidan')); return n.canvasToDOM(n.getPositions([id])[id]); }""")
    box = page.locator("#actor-network canvas").bounding_box()
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_url("**/id/person/hakan-fidan")
    assert page.errors == [] and page.outside == []


def test_framing_view_sets_the_two_articles_side_by_side_on_a_desktop(browser, server):
    context, page = _page(browser, 1280)
    page.goto(server.url + f"/views/framing?event={EVENT}")
    frames = page.locator("article.frame")
    assert frames.count() == 2
    first, second = frames.nth(0).bounding_box(), frames.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"] + first["width"]
    assert frames.nth(1).locator(".wording em").inner_text() == "held talks"
    context.close()


def test_query_results_link_this_dataset_s_iris_to_local_pages_with_labels(browser, server):
    context, page = _page(browser, 1280)
    page.goto(server.url + "/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    # one row, the fixture's meeting: the answer's order is not the point here
    page.evaluate(f"""window.kgYasgui.getTab().getYasqe().setValue(
      'SELECT ?event WHERE {{ VALUES ?event {{ <https://w3id.org/diplomacy-kg/{EVENT}> }} '
      + '?event a <https://w3id.org/diplomacy-kg/ontology#Meeting> }}')""")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    link = page.locator(".tabPanel.active .yasr a.iri[data-kg-iri]").first
    link.wait_for()
    label = "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara"
    page.wait_for_function(  # labels arrive just after the table is drawn
        "label => document.querySelector('.tabPanel.active .yasr a.iri[data-kg-iri]')?.innerText === label", arg=label
    )
    assert link.get_attribute("href") == f"/{EVENT}"
    assert link.inner_text() == label
    assert link.get_attribute("target") is None
    assert page.locator(".tabPanel.active table.ellipseTable").count() == 0  # cells shown whole
    link.click()
    page.wait_for_url(f"**/{EVENT}")
    assert page.errors == [] and page.outside == []
    context.close()
