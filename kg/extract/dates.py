"""Temporal expressions: find them in text and normalise them at the precision the text supports.

Absolute expressions ("May 28, 1918", "February 2023", "in 2009") resolve on their own. Relative ones
("on Tuesday", "last month", "in July", "last year", "last week") need an anchor, the article's
publication date; without one they stay unresolved (None) — a date is never invented. An anchor may
also be an interval (earliest, latest) when the publication date is only known within bounds: a
relative expression then resolves only if it gives the same value at both ends.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.extract.model import TimeValue

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
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

# Ordered: the first pattern matching at a position wins, longer forms first.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>(?:1[89]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b")),
    ("month-last-year", re.compile(rf"\b{_PART}{_MONTH}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b", re.I)),
    ("month-year", re.compile(rf"\b{_PART}{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    ("season-year", re.compile(rf"\b(?:the\s+)?{_PART}{_SEASON}\s+(?:of\s+)?{_YEAR}\b", re.I)),
    (
        "decade",
        re.compile(r"\b(?:the\s+)?(?P<part>early|mid|late)?[\s-]*(?P<decade>(?:1[89]|20)\d0)s\b", re.I),
    ),
    ("relative-unit", re.compile(r"\b(?P<rel>last|this|next|past)\s+(?P<unit>week|month|year)\b", re.I)),
    ("today", re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.I)),
    ("month-day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d)")),
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
        return self.kind in ("relative-unit", "today", "weekday", "month", "month-last-year", "month-day")

    def get(self, name: str) -> str | None:
        """Return one named part of the match."""
        return dict(self.groups).get(name)


def find_time_expressions(text: str, offset: int = 0) -> list[TimeExpression]:
    """Return the non-overlapping temporal expressions of `text`, offsets shifted by `offset`."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "month" and not _month_is_temporal(text, match):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            groups = tuple((k, v) for k, v in match.groupdict().items())
            found.append(TimeExpression(start + offset, end + offset, match.group(0), kind, groups))
    return sorted(found, key=lambda e: e.start)


def _month_is_temporal(text: str, match: re.Match) -> bool:
    """Tell "in May" (a month) from "may" (a verb) and "Mar" inside other words."""
    word = match.group("month")
    if not word[0].isupper():
        return False
    return not (word.lower().rstrip(".") == "may" and not match.group("rel"))


def resolve(
    expression: TimeExpression, anchor: dt.date | tuple[dt.date, dt.date] | None, future: bool = False
) -> TimeValue | None:
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
    if e.kind in ("season-year", "year"):
        return year
    return None


def _valid_day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _relative(e: TimeExpression, anchor: dt.date, future: bool) -> str | None:
    rel = (e.get("rel") or "").lower()
    if e.kind == "today":
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[e.get("word").lower()]
        return (anchor + dt.timedelta(days=shift)).isoformat()
    if e.kind == "weekday":
        return _weekday(anchor, WEEKDAYS.index(e.get("weekday").lower()), rel, future)
    if e.kind == "relative-unit":
        return _unit(anchor, e.get("unit").lower(), rel)
    if e.kind == "month-last-year":
        step = {"last": -1, "this": 0, "next": 1}[rel]
        return f"{anchor.year + step}-{month_number(e.get('month')):02d}"
    if e.kind == "month":
        return _named_month(anchor, month_number(e.get("month")), rel, future)
    if e.kind == "month-day":
        month, day = month_number(e.get("month")), int(e.get("day"))
        today = (anchor.month, anchor.day)
        if future:
            return _valid_day(anchor.year + ((month, day) < today), month, day)
        return _valid_day(anchor.year - ((month, day) > today), month, day)
    return None


def _weekday(anchor: dt.date, weekday: int, rel: str, future: bool) -> str:
    if rel == "next" or (future and rel != "last"):
        days = (weekday - anchor.weekday()) % 7 or 7
        return (anchor + dt.timedelta(days=days)).isoformat()
    days = (anchor.weekday() - weekday) % 7
    if rel == "last" and days == 0:
        days = 7
    return (anchor - dt.timedelta(days=days)).isoformat()


def _unit(anchor: dt.date, unit: str, rel: str) -> str | None:
    step = {"last": -1, "past": -1, "this": 0, "next": 1}[rel]
    if unit == "year":
        return str(anchor.year + step)
    if unit == "month":
        month = anchor.month - 1 + step
        return f"{anchor.year + month // 12}-{month % 12 + 1:02d}"
    monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=step)
    sunday = monday + dt.timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return f"{monday.year}-{monday.month:02d}"
    return str(monday.year) if monday.year == sunday.year else None


def _named_month(anchor: dt.date, month: int, rel: str, future: bool) -> str:
    if rel == "next" or (future and rel not in ("last", "since")):
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif rel == "last":
        year = anchor.year if month < anchor.month else anchor.year - 1
    else:
        year = anchor.year if month <= anchor.month else anchor.year - 1
    return f"{year}-{month:02d}"
