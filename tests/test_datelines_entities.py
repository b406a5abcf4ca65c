"""The place a dateline names is where the dispatch was filed from: a place, in any letter case, known or new."""

from __future__ import annotations

import datetime as dt

from kg.articles import parse_article
from kg.extract.datelines import find_dateline


def found_in(extractor, text: str):
    doc = extractor.nlp(text)
    found, entities = extractor.entities(doc, dt.date(2025, 3, 4), find_dateline(text))
    return {text[m.start : m.end]: m for m in found}, entities


def test_a_capital_in_a_dateline_is_the_place_not_its_government(extractor):
    mentions, _ = found_in(extractor, "ANKARA — Turkey and Iraq agreed on Tuesday to reopen the crossing.")
    assert (mentions["ANKARA"].key, mentions["ANKARA"].kind) == ("place/ankara", "Place")


def test_an_unknown_dateline_place_becomes_a_place_of_its_own(extractor):
    mentions, entities = found_in(extractor, "MOMBASA (Reuters) — Kenya and Tanzania signed a port deal on Monday.")
    entity = entities[mentions["MOMBASA"].key]
    assert (entity.kind, entity.label, entity.in_reference) == ("Place", "Mombasa", False)


def test_a_slashed_agency_after_a_place_in_capitalised_words(extractor):
    mentions, _ = found_in(extractor, "Nairobi /Xinhua/. Kenya and Uganda opened a new border post.")
    assert mentions["Nairobi"].kind == "Place"


def test_a_credit_in_common_words_is_no_news_agency(extractor):
    text = "title: T\npublished: 2025-03-04\n\nTIRANA (Staff Reports) — Albania and Greece met on Monday.\n"
    extraction = extractor(parse_article(text, "credit", "credit.txt"))
    assert not any("Staff" in e.label for e in extraction.entities.values())
    text = "title: T\npublished: 2025-03-04\n\nTIRANA (Xinhua) — Albania and Greece met on Monday.\n"
    extraction = extractor(parse_article(text, "agency", "agency.txt"))
    assert any(e.label == "Xinhua" and e.kind == "Organization" for e in extraction.entities.values())
