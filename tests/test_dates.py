"""Temporal expressions and their normalisation at the precision the text supports."""

from __future__ import annotations

import datetime as dt

import dateparser
import pytest

from kg.extract.dates import find_time_expressions, month_number, resolve

TUESDAY = dt.date(2024, 8, 27)
SATURDAY = dt.date(2024, 10, 5)


def only_expression(sentence: str):
    expressions = find_time_expressions(sentence)
    assert len(expressions) == 1, [e.text for e in expressions]
    return expressions[0]


def value_of(sentence: str, anchor, future: bool = False) -> str | None:
    resolved = resolve(only_expression(sentence), anchor, future)
    return resolved.value if resolved else None


@pytest.mark.parametrize(
    ("sentence", "anchor", "value"),
    [
        ("The envoys met on Tuesday in Vienna.", TUESDAY, "2024-08-27"),
        ("The envoys met on Saturday in Vienna.", TUESDAY, "2024-08-24"),
        ("Talks resumed last Tuesday.", TUESDAY, "2024-08-20"),
        ("The embassy reopened last month.", TUESDAY, "2024-07"),
        ("The embassy reopened last month.", dt.date(2024, 1, 5), "2023-12"),
        ("In July, the two sides exchanged notes.", TUESDAY, "2024-07"),
        ("Last December the border was closed.", TUESDAY, "2023-12"),
        ("The treaty was ratified in September last year.", TUESDAY, "2023-09"),
        ("Relations soured last year.", TUESDAY, "2023"),
        ("A delegation visited in late February.", TUESDAY, "2024-02"),
        ("The ministers spoke last week.", TUESDAY, "2024-08"),
        ("The ministers spoke last week.", dt.date(2024, 10, 9), "2024"),
        ("The ministers spoke last week.", dt.date(2025, 1, 8), None),
        ("Parliament approved the deal earlier this year.", TUESDAY, "2024"),
        ("The consulate closed two days ago.", SATURDAY, "2024-10-03"),
        ("The consulate closed a week ago.", SATURDAY, "2024-09"),
        ("Trade rose three months ago.", SATURDAY, "2024-07"),
        ("The talks ended on Sept. 26 in Geneva.", SATURDAY, "2024-09-26"),
        ("Troops withdrew on Aug. 7.", SATURDAY, "2024-08-07"),
        ("Troops withdrew on 26 September.", SATURDAY, "2024-09-26"),
        ("The accord was initialled on the 10th of March.", SATURDAY, "2024-03-10"),
        ("Flights were suspended yesterday.", SATURDAY, "2024-10-04"),
        ("The fall of 2020 brought a ceasefire.", None, "2020"),
        ("The armistice was signed on May 28, 1918.", None, "1918-05-28"),
        ("He took office on Jan. 16, 2021.", None, "2021-01-16"),
        ("They last met on 12 March 2024 in Rome.", None, "2024-03-12"),
        ("They last met on the 3rd of June 2022.", None, "2022-06-03"),
        ("Prices peaked in February 2023.", None, "2023-02"),
        ("The two states established relations in 2009.", None, "2009"),
        ("Construction began in mid-2021.", None, "2021"),
        ("Construction began in early 2021.", None, "2021"),
        ("The pipeline should be finished by the end of 2026.", None, "2026"),
        ("The envoys met on Tuesday in Vienna.", None, None),
        ("The embassy reopened last month.", None, None),
        ("The consulate closed two days ago.", None, None),
        ("The talks ended on Sept. 26 in Geneva.", None, None),
        ("The dispute goes back to the 1990s.", TUESDAY, None),
    ],
)
def test_resolution_towards_the_past(sentence, anchor, value):
    assert value_of(sentence, anchor) == value


@pytest.mark.parametrize(
    ("sentence", "anchor", "value"),
    [
        ("The ministers will meet on May 10.", TUESDAY, "2025-05-10"),
        ("The ministers will meet on Sept. 26.", SATURDAY, "2025-09-26"),
        ("The ministers will meet on October 5.", SATURDAY, "2024-10-05"),
        ("The ministers will meet on October 9.", SATURDAY, "2024-10-09"),
        ("The ministers will meet on Wednesday.", TUESDAY, "2024-08-28"),
        ("The ministers will meet on Monday.", TUESDAY, "2024-09-02"),
        ("The ministers will meet next Tuesday.", TUESDAY, "2024-09-03"),
        ("The ministers will meet next week.", TUESDAY, "2024-09"),
        ("The ministers will meet next month.", TUESDAY, "2024-09"),
        ("The ministers will meet in November.", SATURDAY, "2024-11"),
        ("The ministers will meet in September.", SATURDAY, "2025-09"),
        ("The ministers will meet next October.", SATURDAY, "2025-10"),
        ("The ministers will meet next November.", SATURDAY, "2024-11"),
        ("The ministers will meet early next year.", SATURDAY, "2025"),
        ("The ministers will meet tomorrow.", SATURDAY, "2024-10-06"),
        ("The ministers will meet in February.", dt.date(2024, 3, 31), "2025-02"),
    ],
)
def test_resolution_towards_the_future(sentence, anchor, value):
    assert value_of(sentence, anchor, future=True) == value


@pytest.mark.parametrize("future", [False, True])
def test_a_month_equal_to_the_publication_month_stays_in_its_year(future):
    assert value_of("The commission will meet in October.", SATURDAY, future) == "2024-10"


@pytest.mark.parametrize("future", [False, True])
def test_a_weekday_naming_the_dispatch_day_is_that_day(future):
    assert value_of("The leaders agreed to meet at the border on Sunday.", dt.date(2019, 6, 30), future) == "2019-06-30"


def test_a_named_month_is_read_from_the_first_of_the_anchor_month():
    assert value_of("Exports fell in February.", dt.date(2025, 3, 31)) == "2025-02"


@pytest.mark.parametrize(
    ("sentence", "window", "value"),
    [
        ("In July, the two sides exchanged notes.", (dt.date(2024, 8, 27), dt.date(2024, 9, 2)), "2024-07"),
        ("The embassy reopened last month.", (dt.date(2024, 8, 27), dt.date(2024, 9, 2)), "2024"),
        ("The embassy reopened last month.", (dt.date(2024, 12, 27), dt.date(2025, 1, 2)), "2024"),
        ("The embassy reopened last month.", (dt.date(2024, 12, 27), dt.date(2025, 2, 2)), None),
        ("The envoys met on Tuesday in Vienna.", (dt.date(2024, 5, 8), dt.date(2024, 5, 31)), "2024-05"),
        ("The envoys met on Tuesday in Vienna.", (dt.date(2024, 5, 1), dt.date(2024, 6, 30)), "2024"),
        ("The talks ended on Sept. 26 in Geneva.", (dt.date(2024, 10, 1), dt.date(2024, 12, 31)), "2024-09-26"),
        ("The talks ended on Sept. 26 in Geneva.", (dt.date(2024, 5, 1), dt.date(2024, 12, 31)), None),
        ("The armistice was signed on May 28, 1918.", (dt.date(2024, 5, 1), dt.date(2024, 12, 31)), "1918-05-28"),
    ],
)
def test_an_anchor_window_keeps_only_what_both_ends_agree_on(sentence, window, value):
    assert value_of(sentence, window) == value


@pytest.mark.parametrize(
    ("sentence", "text", "precision"),
    [
        ("Officials met on Tuesday.", "on Tuesday", "day"),
        ("Officials met two weeks ago.", "two weeks ago", "month"),
        ("Officials met last month.", "last month", "month"),
        ("Officials met in mid-2023.", "mid-2023", "year"),
    ],
)
def test_precision_follows_the_text(sentence, text, precision):
    expression = only_expression(sentence)
    assert expression.text == text
    assert resolve(expression, dt.date(2024, 3, 20)).precision == precision


@pytest.mark.parametrize(
    "sentence",
    [
        "Talks may resume soon.",
        "$20 billion in 100,000 deals",
        "The 3 Marines were released.",
        "Relations are the best they have been in 10 years.",
        "He landed an hour ago.",
    ],
)
def test_words_that_are_not_dates(sentence):
    assert find_time_expressions(sentence) == []


def test_offsets_point_into_the_text_they_came_from():
    text = "Before that, on 26 September, both sides withdrew."
    expression = only_expression(text)
    assert text[expression.start : expression.end] == expression.text == "26 September"
    shifted = find_time_expressions(text, offset=100)[0]
    assert (shifted.start, shifted.end) == (expression.start + 100, expression.end + 100)


@pytest.mark.parametrize(("name", "number"), [("Dec.", 12), ("Sept", 9), ("september", 9), ("May", 5)])
def test_month_numbers(name, number):
    assert month_number(name) == number


def test_expressions_far_apart_in_a_long_text_are_all_found():
    filler = " The delegations discussed trade, energy and transport links at length." * 40
    text = f"At the beginning of September of last year talks began.{filler} They ended on the 10th of March."
    found = [(e.text, e.kind) for e in find_time_expressions(text)]
    assert found == [("the beginning of September of last year", "month-last-year"), ("the 10th of March", "day-month")]


@pytest.mark.parametrize(
    ("words", "anchor"),
    [
        ("on Saturday", TUESDAY),
        ("last Tuesday", TUESDAY),
        ("last month", dt.date(2024, 3, 31)),
        ("next month", SATURDAY),
        ("last year", TUESDAY),
        ("two days ago", dt.date(2024, 1, 1)),
        ("3 months ago", SATURDAY),
        ("Sept. 26", SATURDAY),
        ("Aug. 7", SATURDAY),
        ("26 September", SATURDAY),
        ("the 10th of March", SATURDAY),
        ("In July", TUESDAY),
        ("yesterday", dt.date(2024, 3, 1)),
    ],
)
def test_our_reading_agrees_with_dateparser_on_the_words_as_written(words, anchor):
    """Where dateparser reads the raw words itself, it finds the value our patterns resolve to."""
    settings = {"RELATIVE_BASE": dt.datetime.combine(anchor, dt.time()), "PREFER_DATES_FROM": "past"}
    theirs = dateparser.parse(words, languages=["en"], settings=settings).date().isoformat()
    ours = resolve(only_expression(words), anchor)
    assert theirs.startswith(ours.value)


@pytest.mark.parametrize("year", [1999, 2000, 2023, 2024, 2031])
def test_month_level_readings_hold_in_every_month_of_any_year(year):
    last_month, in_march, next_year = (only_expression(w) for w in ("last month", "in March", "next year"))
    for month in range(1, 13):
        anchor = dt.date(year, month, 28 if month == 2 else 30)
        previous = dt.date(year, month, 1) - dt.timedelta(days=1)
        assert resolve(last_month, anchor).value == f"{previous.year}-{previous.month:02d}"
        assert resolve(in_march, anchor).value == f"{year if month >= 3 else year - 1}-03"
        assert resolve(in_march, anchor, future=True).value == f"{year if month <= 3 else year + 1}-03"
        assert resolve(next_year, anchor).value == str(year + 1)
