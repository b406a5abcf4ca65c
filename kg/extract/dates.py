"""Temporal expressions: find them in text and normalise them at the precision the text supports.

Absolute expressions ("May 28, 1918", "February 2023", "in 2009", "mid-2021") resolve on their own. Relative
ones ("on Tuesday", "last month", "Sept. 26", "two days ago", "earlier this year") need an anchor: the
publication date, or the dispatch date of the dateline; without one they stay unresolved (None) — a date is
never invented. An anchor may also be an interval (earliest, latest) when the publication date is only known
within bounds: a relative expression then resolves only if it gives the same value at both ends, else at the
coarser precision both ends share.

Our patterns find the expressions and decide their kind and precision; the calendar arithmetic of the
relative ones is dateparser's, fed a canonical phrase built from what the pattern matched ("Sept. 26" →
"September 26"), so that both always read an expression the same way. dateparser cannot read some forms
("early 2021", "September last year", "the 1990s"); those stay with the patterns.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from dateparser.date import DateDataParser

from kg.extract.model import TimeValue

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS = {
    name: number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in {full.lower(), full[:3].lower()} | ({"sept"} if number == 9 else set())
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_PART = r"(?:(?P<part>early|mid|late|the end of|the beginning of|the start of|the middle of)[\s-]+)?"
_SEASON = r"(?P<season>spring|summer|fall|autumn|winter)"
_NUMBER = r"(?P<number>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# Ordered: the first pattern matching at a position wins, longer forms first.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>(?:1[89]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")),
    ("month-last-year", re.compile(rf"\b{_PART}{_MONTH}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b", re.I)),
    ("month-year", re.compile(rf"\b{_PART}{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    ("season-year", re.compile(rf"\b(?:the\s+)?{_PART}{_SEASON}\s+(?:of\s+)?{_YEAR}\b", re.I)),
    (
        "part-year",
        re.compile(rf"\b(?i:(?P<part>early|mid|late|(?:the\s+)?(?:end|beginning|start|middle) of))[\s-]+{_YEAR}\b"),
    ),
    (
        "decade",
        re.compile(r"\b(?:the\s+)?(?P<part>early|mid|late)?[\s-]*(?P<decade>(?:1[89]|20)\d0)s\b", re.I),
    ),
    (
        "relative-unit",
        re.compile(
            r"\b(?:(?P<part>earlier|later|early|late|mid|(?:the\s+)?(?:end|beginning|start|middle) of)[\s-]+)?"
            r"(?P<rel>last|this|next|past)\s+(?P<unit>week|month|year)\b",
            re.I,
        ),
    ),
    ("ago", re.compile(rf"\b{_NUMBER}\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("today", re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.I)),
    ("month-day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d)")),
    ("day-month", re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)(?![\w.]*,?\s+\d)")),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<rel>(?i:last|this|next|on))\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|"
            r"Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "month",
        re.compile(rf"\b(?:(?P<rel>(?i:last|this|next|in|early|late|mid|since))[\s-]+)?{_MONTH}(?!\s+\d)\b"),
    ),
    ("year", re.compile(rf"(?<![\d$.,-]){_YEAR}(?![\d-]|,\d| (?:million|billion|people|troops|km))\b")),
]

# Words every temporal expression holds one of, and how far an expression reaches either side of them
# ("the beginning of September", lookaheads included): patterns run only that far around these words.
# Each starts with a literal or a small set of letters, so that finding them is a fast scan.
_CUES = [
    re.compile(r"\d+"),
    re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"),
    re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"),
    re.compile(r"[TtYyaWwMm](?:oday|omorrow|onight|esterday|go|eek|onth|ear)"),
]
_REACH = 30

_RELATIVE_KINDS = ("relative-unit", "ago", "today", "weekday", "month", "month-last-year", "month-day", "day-month")


@dataclass(frozen=True)
class TimeExpression:
    """A temporal expression found in text, before or after resolution."""

    start: int
    end: int
    text: str
    kind: str
    groups: tuple[tuple[str, str | None], ...]

    @property
    def relative(self) -> bool:
        """Return whether the expression needs an anchor date to resolve."""
        return self.kind in _RELATIVE_KINDS

    def get(self, name: str) -> str | None:
        """Return one named part of the match."""
        return dict(self.groups).get(name)


Anchor = dt.date | tuple[dt.date, dt.date] | None


def find_time_expressions(text: str, offset: int = 0) -> list[TimeExpression]:
    """Return the non-overlapping temporal expressions of `text`, offsets shifted by `offset`."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    windows = _windows(text)
    for kind, pattern in _PATTERNS:
        for match in (m for lo, hi in windows for m in pattern.finditer(text, lo, hi)):
            start, end = match.span()
            if kind == "month" and not _month_is_temporal(match):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            groups = tuple((k, v) for k, v in match.groupdict().items())
            found.append(TimeExpression(start + offset, end + offset, match.group(0), kind, groups))
    return sorted(found, key=lambda e: e.start)


def _windows(text: str) -> list[tuple[int, int]]:
    """Return the stretches of `text` around a word every temporal expression holds, merged.

    The patterns are tried at every position they are given: on news text, most of which holds no date,
    trying them only near a digit, a month, a weekday or a time word costs a fraction of a full scan.
    """
    windows: list[tuple[int, int]] = []
    for lo, hi in sorted((c.start() - _REACH, c.end() + _REACH) for cue in _CUES for c in cue.finditer(text)):
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((max(0, lo), hi))
    return windows


def _month_is_temporal(match: re.Match) -> bool:
    """Tell "in May" (a month) from "may" (a verb) and "Mar" inside other words."""
    word = match.group("month")
    if not word[0].isupper():
        return False
    return not (word.lower().rstrip(".") == "may" and not match.group("rel"))


def resolve(expression: TimeExpression, anchor: Anchor, future: bool = False) -> TimeValue | None:
    """Return the value of `expression` at the precision it supports, or None if it cannot be known."""
    if isinstance(anchor, tuple):
        early, late = (resolve(expression, day, future) for day in anchor)
        return early if early == late else _coarser(early, late)
    value = _absolute(expression)
    if value is None and expression.relative and anchor is not None:
        value = _relative(expression, anchor, future)
    if value is None:
        return None
    return TimeValue(value=value, precision=_precision(value), text=expression.text)


def _coarser(a: TimeValue | None, b: TimeValue | None) -> TimeValue | None:
    """Return the common coarser value of two resolutions (same month or year), if any."""
    if a is None or b is None:
        return None
    for size in (7, 4):
        if len(a.value) >= size and len(b.value) >= size and a.value[:size] == b.value[:size]:
            return TimeValue(value=a.value[:size], precision=_precision(a.value[:size]), text=a.text)
    return None


def _precision(value: str) -> str:
    return {10: "day", 7: "month", 4: "year"}[len(value)]


def month_number(name: str | None) -> int:
    """Return the number of a month name or abbreviation ("Dec." → 12)."""
    return MONTHS[(name or "").lower().rstrip(".")]


def _absolute(e: TimeExpression) -> str | None:
    year = e.get("year")
    if e.kind == "iso":
        return _valid_day(int(year), int(e.get("m")), int(e.get("d")))
    if e.kind in ("mdy", "dmy"):
        return _valid_day(int(year), month_number(e.get("month")), int(e.get("day")))
    if e.kind == "month-year":
        return f"{year}-{month_number(e.get('month')):02d}"
    if e.kind in ("season-year", "part-year", "year"):
        return year
    return None


def _valid_day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _relative(e: TimeExpression, anchor: dt.date, future: bool) -> str | None:
    if e.kind == "weekday":
        return _weekday(e, anchor, future)
    if e.kind == "month":
        return _named_month(e, anchor, future)
    if e.kind == "month-last-year":
        year = _monthly(f"{e.get('rel').lower()} year", anchor, "past")
        return f"{year}-{month_number(e.get('month')):02d}" if year else None
    return _directed(_phrase(e), anchor, future, monthly=(e.get("unit") or "").lower() in ("month", "year"))


def _phrase(e: TimeExpression) -> str:
    """Return the canonical English phrase of a relative expression, as dateparser reads it."""
    if e.kind == "today":
        word = e.get("word").lower()
        return "today" if word == "tonight" else word
    if e.kind == "relative-unit":
        rel = e.get("rel").lower()
        return f"{'last' if rel == 'past' else rel} {e.get('unit').lower()}"
    if e.kind == "ago":
        number = e.get("number").lower()
        return f"{'1' if number in ('a', 'an') else number} {e.get('unit').lower()}s ago"
    return f"{MONTH_NAMES[month_number(e.get('month')) - 1]} {int(e.get('day'))}"


def _weekday(e: TimeExpression, anchor: dt.date, future: bool) -> str | None:
    rel = (e.get("rel") or "").lower()
    name = e.get("weekday")
    if rel in ("", "on", "this") and WEEKDAYS.index(name.lower()) == anchor.weekday():
        return anchor.isoformat()  # news names the day of the dispatch itself by its weekday ("said on Tuesday")
    return _directed(f"{rel} {name}" if rel in ("last", "next") else name, anchor, future)


def _named_month(e: TimeExpression, anchor: dt.date, future: bool) -> str | None:
    rel = (e.get("rel") or "").lower()
    name = MONTH_NAMES[month_number(e.get("month")) - 1]
    if rel == "last":
        return _monthly(name, anchor.replace(day=1) - dt.timedelta(days=1), "past")
    if rel == "next":
        return _directed(name, anchor.replace(day=28) + dt.timedelta(days=4), True, monthly=True)
    return _directed(name, anchor, future and rel != "since", monthly=True)


def _directed(phrase: str, anchor: dt.date, future: bool, monthly: bool = False) -> str | None:
    """Resolve `phrase` towards the past, or towards the future counting the anchor's own day or month in."""
    read = _monthly if monthly else _parsed
    past = read(phrase, anchor, "past")
    if not future or (past is not None and past >= anchor.isoformat()[: len(past)]):
        return past
    return read(phrase, anchor, "future")


def _monthly(phrase: str, anchor: dt.date, prefer: str) -> str | None:
    """Read a phrase whose value depends on the anchor's month and year only, from the first of that month.

    dateparser keeps the anchor's day in a month (from the 31st it would skip short months); and read once
    per month of one year, the value is shifted to the anchor's year, so a window of many months costs
    twelve readings at most.
    """
    value = _parsed(phrase, dt.date(_REFERENCE_YEAR, anchor.month, 1), prefer)
    return f"{int(value[:4]) + anchor.year - _REFERENCE_YEAR}{value[4:]}" if value else None


_REFERENCE_YEAR = 2001


@functools.lru_cache(maxsize=4096)
def _parsed(phrase: str, anchor: dt.date, prefer: str) -> str | None:
    """Return dateparser's reading of a canonical phrase, at the precision of the period it names."""
    settings = {
        "RELATIVE_BASE": dt.datetime(anchor.year, anchor.month, anchor.day),
        "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True,
        "PARSERS": ["relative-time", "absolute-time"],
    }
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(phrase)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "week":
        return _week(day)
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}.get(data.period)


def _week(day: dt.date) -> str | None:
    """Return the month (or year) holding the whole Monday-to-Sunday week of `day`, if there is one."""
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return f"{monday.year}-{monday.month:02d}"
    return str(monday.year) if monday.year == sunday.year else None
