"""Borders named by their two states are places of their own."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.articles import Article
from kg.extract.borders import named_borders


def borders(extractor, text: str) -> list[tuple[tuple[str, str], str]]:
    doc = extractor.nlp(text)
    found, _ = extractor.entities(doc, dt.date(2025, 3, 4))
    return [(pair, span.text) for pair, span in named_borders(doc, found)]


CHILE_BOLIVIA = ("country/bolivia", "country/chile")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Troops gathered near the Chile–Bolivia border on Monday.", "the Chile–Bolivia border"),
        ("Troops gathered near the Chile-Bolivia border on Monday.", "the Chile-Bolivia border"),
        ("Trade across the border between Chile and Bolivia fell.", "the border between Chile and Bolivia"),
        ("The Chilean-Bolivian border stayed calm.", "The Chilean-Bolivian border"),
    ],
)
def test_a_border_named_by_its_two_states_is_found_with_its_words(extractor, text, words):
    assert borders(extractor, text) == [(CHILE_BOLIVIA, words)]


@pytest.mark.parametrize(
    "text",
    [
        "Chile closed its border on Monday.",
        "Chile and Bolivia discussed the border.",
        "Trade across the border with Bolivia fell, Chile said.",
        "The border between Chile, Peru and Bolivia is long.",
    ],
)
def test_a_border_not_named_by_exactly_two_states_is_not_named(extractor, text):
    assert borders(extractor, text) == []


def test_a_named_border_is_a_place_mentioned_where_it_is_named(extractor):
    text = "Troops gathered near the Chile–Bolivia border on Monday."
    extraction = extractor(Article(identifier="b", text=text, source="b.txt", published=dt.date(2025, 3, 4)))
    border = extraction.entities["place/bolivia-chile-border"]
    assert (border.kind, border.label, border.in_reference) == ("Place", "Bolivia–Chile border", False)
    spans = [m.span for m in extraction.mentions if m.entity == border.key]
    assert [(s.text, text[s.start : s.end]) for s in spans] == [("the Chile–Bolivia border",) * 2]
