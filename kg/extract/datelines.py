"""Datelines: the place, news agency and date a dispatch opens with ("BAKU, Sept 25 (Reuters) -").

A dateline is recognised by its shape and case, with no list of cities, and only where news puts it: at
the very start of the body (or as the whole of its first line). Its parts, in order, all but one optional:

    place     ANKARA | KUALA LUMPUR | KYIV, Ukraine | Kuala Lumpur     (capitals, or capitalised words)
    date      , Sept 25 | , 12 March 2024 | , Jun 30, 2019              (closed by "." or "," if at all)
    agency    (Reuters) | /TASS/ | , Yonhap                             (the bare form only after a date)
    mark      — | – | - | -- | : | .  or the end of the line

A place in capitals needs only the mark; capitalised words need a date or an agency as well (else
"Russia — along with China — said" would be a dateline); the agency alone ("(AP) —") is one too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.extract.dates import Anchor, TimeExpression, find_time_expressions, resolve
from kg.extract.model import Span

# Labels that open a story in capitals like a place does, but name a kind of story.
_KICKERS = frozenset(
    {"BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "ANALYSIS", "OPINION", "EDITORIAL", "COMMENTARY"}
    | {"EXPLAINER", "FACTBOX", "INTERVIEW", "WATCH", "VIDEO", "PHOTOS", "LIVE", "CORRECTION", "NEWS"}
)
_DATE_KINDS = ("iso", "mdy", "dmy", "month-day", "day-month", "weekday")

_WORD = r"[^\W\d_](?:[\w.'’-]*[\w.])?"
_PLACE = re.compile(rf"{_WORD}(?:(?: |/){_WORD}){{0,3}}")
_REGION = re.compile(rf",[ \t]*(?P<region>{_WORD}(?: {_WORD}){{0,2}})(?=[ \t]*(?:[(/—–―:]|-|,|$))", re.M)
_AGENCY = re.compile(r"[ \t]*(?:\((?P<paren>[^()\n]{1,40})\)|/(?P<slash>[^/\n]{1,40})/)")
_NAME = r"[^\W\d_][\w'’&-]*"
_BARE_AGENCY = re.compile(rf",[ \t]*(?P<bare>{_NAME}(?: {_NAME}){{0,2}})(?=[ \t]*(?:[.—–―]|-|$))", re.M)
_MARK = re.compile(r"[ \t]*(?P<mark>[—–―]|--?|:(?=\s)|\.(?=\s)|(?=\n)|\Z)")


@dataclass(frozen=True)
class Dateline:
    """The opening words that say where, by whom and when a dispatch was filed."""

    span: Span  # the whole dateline, its closing mark included
    place: Span | None  # "KYIV" of "KYIV, Ukraine (AP) —"; None for "(AP) —"
    region: Span | None  # "Ukraine" of "KYIV, Ukraine (AP) —"
    agency: Span | None  # "AP", "TASS", "Yonhap", without brackets or slashes
    date: TimeExpression | None  # "Sept 25" of "BAKU, Sept 25 (Reuters) -"


def find_dateline(text: str) -> Dateline | None:
    """Return the dateline that opens `text`, if it has one."""
    start = len(text) - len(text.lstrip())
    place = _PLACE.match(text, start)
    if place and _cased(place.group(0)):
        found = _parts(text, place, start)
        if found:
            return found
    return _parts(text, None, start)


def _parts(text: str, place: re.Match | None, start: int) -> Dateline | None:
    """Read region, date, agency and mark after `place` (or at `start` when there is none)."""
    at = place.end() if place else start
    region = _REGION.match(text, at) if place else None
    if region and not find_time_expressions(region.group("region")) and _cased(region.group("region")):
        at = region.end()
    else:
        region = None
    date, at = _date(text, at) if place else (None, at)
    agency, at = _agency(text, at, bare=date is not None)
    mark = _MARK.match(text, at)
    if mark is None or not _fits(place, region, date, agency, mark.group("mark")):
        return None
    return Dateline(
        span=_span(text, place.start() if place else start, mark.end()),
        place=_span(text, *place.span()) if place else None,
        region=_span(text, *region.span("region")) if region else None,
        agency=agency,
        date=date,
    )


def _date(text: str, at: int) -> tuple[TimeExpression | None, int]:
    """Read ", Sept 25" (with its closing "." or ",") at `at`."""
    comma = re.match(r",[ \t]*", text[at:])
    if not comma:
        return None, at
    begin = at + comma.end()
    line = text[begin : text.find("\n", begin) if "\n" in text[begin:] else len(text)]
    found = [e for e in find_time_expressions(line, begin) if e.start == begin and e.kind in _DATE_KINDS]
    if not found:
        return None, at
    closing = re.match(r"\.(?=[ \t]*[(/])", text[found[0].end :])
    return found[0], found[0].end + (closing.end() if closing else 0)


def _agency(text: str, at: int, bare: bool) -> tuple[Span | None, int]:
    """Read "(Reuters)" or "/TASS/" at `at`; after a date also ", Yonhap"."""
    match = _AGENCY.match(text, at) or (_BARE_AGENCY.match(text, at) if bare else None)
    if match is None:
        return None, at
    group = next(g for g in ("paren", "slash", "bare") if match.groupdict().get(g))
    name = _span(text, *match.span(group))
    return (name, match.end()) if name.text[:1].isupper() else (None, at)


def _fits(place: re.Match | None, region, date, agency, mark: str) -> bool:
    """Tell a dateline from a sentence that happens to open with capitalised words."""
    if place is None:
        return agency is not None and mark not in ("", ".")
    words = place.group(0)
    if words.isupper():
        if words.strip(".") in _KICKERS:
            return False
        return bool(date or agency) or mark not in ("", ".") or len(words.split()) <= 3 and mark == ""
    return bool(date or agency) and (mark != "" or agency is not None)


def _cased(words: str) -> bool:
    """Return whether words are all capitals or capitalised ("Rio de Janeiro" counts)."""
    parts = re.split(r"[ /]", words)
    if any(not w[0].isupper() for w in (parts[0], parts[-1])):
        return False
    return words.isupper() or all(w[0].isupper() or (w.isalpha() and len(w) <= 3) for w in parts)


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def relative_anchor(dateline: Dateline | None, published: Anchor) -> Anchor:
    """Return what relative dates count from: the dateline's day when it gives one, else the publication date."""
    if dateline is None or dateline.date is None:
        return published
    value = resolve(dateline.date, published)
    if value is None or value.precision != "day":
        return published
    return dt.date.fromisoformat(value.value)
