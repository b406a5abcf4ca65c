"""Pages built from an article full of script payloads, in headless Chromium: every link clicked, no script runs.

The article goes through the whole build (reader, extractor, mapping, validation); then the release
gets the triples the reader now refuses (a `javascript:` article URL, such IRIs as sameAs links),
as an older release or another producer could hold them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright
from rdflib import OWL, RDFS, Literal, Namespace, URIRef

from kg import config
from kg.build import run_build
from kg.web.testing import LiveServer, publish_dataset
from tests.browser import CHROMIUM, LAUNCH_ARGS

SCHEMA = Namespace("https://schema.org/")
ID = "https://w3id.org/diplomacy-kg/id/"
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)",
    "'><svg onload=alert(4)>",
    "{{ 7*7 }}<iframe src=javascript:alert(5)>",
]
ARTICLE = f"""title: Envoys meet {PAYLOADS[0]} in Vienna
url: https://news.example.org/2024/08/27/envoys?q=%3Cscript%3Ealert(6)%3C/script%3E
published: 2024-08-27
publisher: Wire {PAYLOADS[1]}
author: {PAYLOADS[3]}

Turkish Foreign Minister Hakan Fidan met Azerbaijani Foreign Minister Jeyhun Bayramov in Ankara on Tuesday.
"{PAYLOADS[2]} {PAYLOADS[4]}," Fidan said after the talks.
Armenia and Türkiye agreed to open their border {PAYLOADS[1]}.
"""

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    (folder / "articles").mkdir()
    (folder / "articles" / "payload-article.txt").write_text(ARTICLE, encoding="utf-8")
    data_dir = folder / "data"
    outcome = run_build([folder / "articles"], config.load({"DATA_DIR": str(data_dir)}, environ={}))
    assert outcome.exit_code == 0, outcome.errors or outcome.validation.text
    dataset = outcome.dataset
    article = URIRef(f"{ID}article/payload-article")
    graph = dataset.graph(URIRef("https://w3id.org/diplomacy-kg/graph/article/payload-article"))
    graph.add((article, SCHEMA.url, URIRef("javascript:alert(7)")))
    graph.add((article, OWL.sameAs, URIRef("javascript:alert(8)")))
    graph.add((article, RDFS.seeAlso, URIRef("data:text/html,%3Cscript%3Ealert(9)%3C/script%3E")))
    graph.add((article, RDFS.comment, Literal(PAYLOADS[1])))
    publish_dataset(data_dir, dataset, build_id="20991231T000000000000Z")
    with LiveServer({"DATA_DIR": data_dir}) as live:
        yield live


@pytest.fixture(scope="module")
def page(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.route("**/*", _only_local)
        yield page
        browser.close()


def _only_local(route):
    if route.request.url.startswith("http://127.0.0.1") or urlsplit(route.request.url).hostname is None:
        route.continue_()
    else:
        route.abort()


# A `javascript:` (or `data:`) link runs on the click itself; a web link only loads a page, which the
# test visits on its own. So web links are clicked with their navigation held back, and every link of
# a page can be clicked in place.
HOLD_WEB_NAVIGATION = """() => document.addEventListener("click", event => {
  const link = event.target.closest("a[href]");
  if (link && /^https?:$/.test(link.protocol)) event.preventDefault();
}, true)"""


def links(page) -> list[str]:
    """Return the href of every link of the page."""
    return page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")


def test_no_link_of_the_payload_pages_runs_a_script(server, page):
    pages = [server.url + "/", server.url + "/id/article/payload-article"]
    page.goto(pages[1])
    pages += sorted({server.url + h for h in links(page) if h.startswith("/id/") and "." not in h.rsplit("/", 1)[-1]})
    clicked = 0
    for url in pages[:10]:
        page.goto(url)
        assert not any(h.lower().lstrip().startswith(("javascript:", "data:")) for h in links(page))
        page.evaluate(HOLD_WEB_NAVIGATION)
        for target in page.locator("a[href]").all():
            if target.is_visible():
                target.click(timeout=5_000, no_wait_after=True)
                clicked += 1
        page.wait_for_timeout(200)  # a dialog opened by the last click
    assert clicked > 50
    assert page.dialogs == []


def test_payloads_show_as_text(server, page):
    page.goto(server.url + "/id/article/payload-article")
    text = page.inner_text("body")
    assert "<script>alert(1)</script>" in text
    assert "javascript:alert(7)" in text or "alert(7)" in text  # the refused address is shown, not linked
    assert page.dialogs == []
