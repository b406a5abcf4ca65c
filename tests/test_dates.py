"""Temporal expressions and their normalisation at the precision the text supports."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.dates import find_time_expressions, resolve

ANCHOR = dt.date(2024, 8, 27)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "anchor", "value"),
    [
        ("on Tuesday", ANCHOR, "2024-08-27"),
        ("on Saturday", ANCHOR, "2024-08-24"),
        ("last month", ANCHOR, "2024-07"),
        ("last month", dt.date(2024, 1, 5), "2023-12"),
        ("In July", ANCHOR, "2024-07"),
        ("Last December", ANCHOR, "2023-12"),
        ("in September last year", ANCHOR, "2023-09"),
        ("last year", ANCHOR, "2023"),
        ("late February", ANCHOR, "2024-02"),
        ("last week", ANCHOR, "2024-08"),
        ("the fall of 2020", None, "2020"),
        ("on May 28, 1918", None, "1918-05-28"),
        ("on Jan. 16, 2021", None, "2021-01-16"),
        ("in February 2023", None, "2023-02"),
        ("in 2009", None, "2009"),
        ("on Tuesday", None, None),
        ("last month", None, None),
        ("in the 1990s", ANCHOR, None),
    ],
)
def test_resolution(text, anchor, value):
    expressions = find_time_expressions(text)
    assert len(expressions) == 1
    resolved = resolve(expressions[0], anchor)
    assert (resolved.value if resolved else None) == value


def test_future_expressions_look_ahead():
    expression = find_time_expressions("on May 10")[0]
    assert resolve(expression, ANCHOR, future=True).value == "2025-05-10"
    assert resolve(expression, ANCHOR).value == "2024-05-10"


def test_an_anchor_interval_keeps_only_what_both_ends_agree_on():
    july = find_time_expressions("In July")[0]
    last_month = find_time_expressions("last month")[0]
    week = (dt.date(2024, 8, 27), dt.date(2024, 9, 2))
    assert resolve(july, week).value == "2024-07"
    assert resolve(last_month, week) is None or resolve(last_month, week).precision == "year"


def test_may_the_verb_is_not_a_month():
    assert find_time_expressions("Talks may resume soon.") == []
    assert find_time_expressions("$20 billion in 100,000 deals") == []
