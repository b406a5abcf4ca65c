"""A list page and a question form in a real headless Chromium, at 1280 and 390 px wide."""

from __future__ import annotations

import pytest

from kg.web.testing import LiveServer
from tests.browser import keep_local
from tests.test_browser_pages import SHOTS

pytestmark = pytest.mark.live
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def server(seed_data_dir):
    with LiveServer({"DATA_DIR": seed_data_dir}) as live:
        yield live


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.width, page.errors = request.param, []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    keep_local(page)
    yield page
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_facet_narrows_the_list_and_the_download_follows(page, server):
    page.goto(server.url + "/id/event/")
    before = int(page.locator("#total").inner_text().replace(",", ""))
    armenia = page.locator('.facet[data-facet="country"] a[data-value="id/country/armenia"]')
    shown = int(armenia.locator("xpath=following-sibling::span[@class='count']").inner_text())
    armenia.click()
    page.wait_for_url("**country=id%2Fcountry%2Farmenia*")
    after = int(page.locator("#total").inner_text().replace(",", ""))
    assert after == shown < before
    assert page.locator(".active-filter").inner_text().startswith("country: Armenia")
    assert page.locator("table.list-table tbody tr").count() == after
    assert no_sideways_scroll(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"list-events-armenia-{page.width}.png"), full_page=True)
    link = page.locator('a.download[data-format="csv"]').get_attribute("href")
    download = page.request.get(server.url + link)
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    assert len(download.text().strip().splitlines()) == after + 1  # a header line, then one line per row
    page.locator(".active-filter").click()
    page.wait_for_url(server.url + "/id/event/")
    assert int(page.locator("#total").inner_text().replace(",", "")) == before
    assert page.errors == [] and page.outside == []


def test_the_list_opens_in_the_query_editor(page, server):
    page.goto(server.url + "/id/person/?country=id/country/turkey")
    page.locator("a.editor").click()
    page.wait_for_selector(".yasqe .CodeMirror")
    query = page.evaluate("window.kgYasgui.getTab().getYasqe().getValue()")
    assert "VALUES ?value1 { <https://w3id.org/diplomacy-kg/id/country/turkey> }" in query
    assert page.errors == [] and page.outside == []


def test_a_question_form_answers_with_the_values_picked(page, server):
    page.goto(server.url + "/questions/relations-between-two-countries")
    default_rows = page.locator("table.answer tbody tr").count()
    page.select_option("#p-countryA", "id/country/armenia")
    page.select_option("#p-countryB", "id/country/azerbaijan")
    page.locator("form.question button[type=submit]").click()
    page.wait_for_url("**countryB=id%2Fcountry%2Fazerbaijan*")
    assert page.locator("#p-countryA").input_value() == "id/country/armenia"
    rows = page.locator("table.answer tbody tr")
    assert rows.count() >= 1 and "No answer" not in rows.first.inner_text()
    assert default_rows >= 1
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"question-relations-{page.width}.png"), full_page=True)
    link = page.locator('a.download[data-format="json"]').get_attribute("href")
    answer = page.request.get(server.url + link).json()
    assert len(answer["results"]["bindings"]) == rows.count()
    assert page.errors == [] and page.outside == []


def test_a_question_with_a_date_range(page, server):
    page.goto(server.url + "/questions/events-of-a-person?person=id/person/jeyhun-bayramov")
    everything = page.locator("table.answer tbody tr").count()
    page.fill("#p-from", "2024-08-01")
    page.fill("#p-to", "2024-08-31")
    page.locator("form.question button[type=submit]").click()
    page.wait_for_url("**from=2024-08-01*")
    assert 0 < page.locator("table.answer tbody tr").count() < everything
    assert no_sideways_scroll(page)
    assert page.errors == [] and page.outside == []
