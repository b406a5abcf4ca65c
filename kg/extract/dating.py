"""Dating events: which temporal expression of a sentence dates which trigger, dates carried along a story,
anniversaries, what a dated happening led to, and the dispatch date of words said with no date of their own."""

from __future__ import annotations

import datetime as dt
import re

from kg.extract.dates import TimeExpression, anchor_value, find_time_expressions, month_number
from kg.extract.kinds import KINDS, SPEECH, kind_of
from kg.extract.merging import shares_agents
from kg.extract.model import Event, Span, TimeValue
from kg.extract.sentences import FUTURE, Sentence
from kg.reference import Gazetteer


def date_by_dispatch(event: Event, dispatch: TimeValue | dt.date | tuple[dt.date, dt.date] | None) -> None:
    """Date words said with no date of their own by the dispatch reporting them (day, or month of a window)."""
    if event.date is not None or event.time_expression or kind_of(event.kind).family != SPEECH or dispatch is None:
        return
    if isinstance(dispatch, tuple):  # a window: its month when it lies within one, else no date
        dispatch = anchor_value(dispatch)
        if dispatch is None or dispatch.precision not in ("day", "month"):
            return
    if isinstance(dispatch, dt.date):
        dispatch = TimeValue(dispatch.isoformat(), "day")
    event.date = dispatch
    event.date_basis = "dispatch"


def years_of(value: str) -> tuple[int, int]:
    """Return the years a date of any precision falls in."""
    return int(value[:4]), int(value[:4])


def month_named(expression: str | None) -> int | None:
    """Return the month an unresolved expression names ("Last December": 12), if any."""
    found = [e for e in find_time_expressions(expression or "") if e.get("month")]
    return month_number(found[0].get("month")) if found else None


def owner_trigger(time: TimeExpression, sentence: Sentence) -> int | None:
    """Return the start of the trigger nearest a temporal expression: the event that expression dates."""
    at = time.start - sentence.start
    inside = [s for s in sentence.triggers if s[0] <= at < s[1]]
    if inside:
        return inside[0][0]  # "a 2023 victory over …"
    spans = sentence.triggers
    if not spans:
        return None
    return min(spans, key=lambda s: min(abs(at - s[1]), abs(s[0] - at)))[0]


def times_of_saying(sentence: Sentence, verb: re.Match) -> list[TimeExpression]:
    """Return the times that may date a speech act: not those of what it says will happen ("… agreed to
    meet again in June, he said": June dates the meeting, not the saying)."""
    out = []
    for time in times_outside_quotes(sentence):
        at = time.start - sentence.start
        adjacent = 0 <= at - verb.end() <= 4 or 0 <= verb.start() - (time.end - sentence.start) <= 2
        if not adjacent and sentence.doc is not None:
            adjacent = _governed_by(sentence.doc, time, sentence.start + verb.start(), sentence.start + verb.end())
            if not adjacent:
                continue  # the parse puts the time in what is said ("will meet on October 23, he said")
        if adjacent or not FUTURE.search(sentence.masked[max(0, at - 60) : at]):
            out.append(time)  # "… next month, the ministry said on Friday": Friday dates the saying
    return out


def _governed_by(doc, time: TimeExpression, verb_start: int, verb_end: int) -> bool:
    """Return whether a temporal expression hangs from the verb at `verb_start` in the parse, not from a clause
    below it ("Addressing parliament on Jan. 16, he said": yes; "they will meet on May 5, he said": no)."""
    words = doc.char_span(time.start, time.end, alignment_mode="expand")
    verb = doc.char_span(verb_start, verb_end, alignment_mode="expand")
    if words is None or verb is None:
        return False
    token = words.root
    while token != verb.root and token.head is not token:
        if token.dep_ in ("ccomp", "xcomp", "relcl", "acl", "parataxis"):
            return False  # the time belongs to a clause of its own: what was said, or who was meant
        token = token.head
    return token == verb.root


def attributive(time: TimeExpression, sentence: Sentence, trigger_start: int, trigger_end: int) -> bool:
    """Return whether the parse makes a time a modifier of another noun than the trigger ("sign the Aug. 13
    normalization agreement on Sept. 15": Aug. 13 dates the agreement, not the signing)."""
    if sentence.doc is None:
        return False
    words = sentence.doc.char_span(time.start, time.end, alignment_mode="expand")
    if words is None:
        return False
    root = words.root
    head = root.head
    return (
        root.dep_ in ("nmod", "compound", "nummod", "amod")
        and head.pos_ in ("NOUN", "PROPN")
        and not words.start <= head.i < words.end
        and not trigger_start <= head.idx < trigger_end
    )


def times_outside_quotes(sentence: Sentence) -> list[TimeExpression]:
    return [t for t in sentence.times if sentence.masked[t.start - sentence.start] != " " or t.text[0] == " "]


def nearest_time(times: list[TimeExpression], at: int, text: str = "", offset: int = 0) -> TimeExpression | None:
    dated = [t for t in times if t.kind != "decade"] or times
    dated = [t for t in dated if not re.search(r"\b(?:since|until)\s+$", text[: t.start - offset])] or (
        [] if text else dated
    )
    return min(dated, key=lambda t: abs(t.start - at), default=None)


def year_range(time: TimeExpression | None) -> tuple[int, int] | None:
    if time is None:
        return None
    if time.kind == "decade":
        decade = int(time.get("decade"))
        return decade, decade + 9
    year = time.get("year")
    return (int(year), int(year)) if year else None


ANNIVERSARY = re.compile(r"mark(?:ing|ed|s)? the (?P<nth>\d+)(?:st|nd|rd|th) anniversary")


def anniversary_date(match: re.Match, sentence: Sentence, published: dt.date | None) -> TimeValue | None:
    """Date the marking of an anniversary: the publication date, else the year the count reaches from the
    year the sentence gives the happening ("the 33rd anniversary of relations established in 1992": 2025)."""
    if isinstance(published, dt.date):
        return TimeValue(published.isoformat(), "day", None)
    years = [int(t.get("year")) for t in sentence.times if t.kind == "year" and t.start - sentence.start > match.end()]
    nth = int(ANNIVERSARY.match(match.group(0)).group("nth"))
    return TimeValue(str(years[0] + nth), "year", match.group(0)) if years else None


def within_years(years: tuple[int, int] | None, value: str) -> bool:
    return years is not None and years[0] <= int(value[:4]) <= years[1]


def relative(value: TimeValue) -> bool:
    """Return whether a date was read from a relative expression ("on Wednesday", "tomorrow"), which counts from
    the anchor, rather than written out ("10 May 2024"): a written date after the article is left for the gate."""
    expressions = find_time_expressions(value.text or "")
    return not expressions or expressions[0].relative


def after_anchor(value: TimeValue, anchor) -> bool:
    """Return whether a date lies wholly after the anchor (a day, or the latest day of a window)."""
    if anchor is None:
        return False
    latest = anchor[1] if isinstance(anchor, tuple) else anchor
    return value.value > latest.isoformat()[: len(value.value)]


_CONSEQUENCE = re.compile(
    r"\b(?:that|which)\s+(?:led to|resulted in|triggered|sparked|prompted|caused)\s+(?:the\s+|an?\s+)?$"
)


def date_consequences(reported: list[tuple[Span, Event]]) -> None:
    """Date an undated happening by the year of the one the sentence says led to it ("a one-day offensive
    that led to the exodus of …"): what a happening causes begins once it has happened."""
    for trigger, event in reported:
        if event.date is not None or event.time_expression or event.kind in STORY_KINDS:
            continue
        text = event.evidence.text
        for cause_trigger, cause in reported:
            if cause is event or cause.date is None or not event.evidence.start <= cause_trigger.start < trigger.start:
                continue
            between = text[cause_trigger.end - event.evidence.start : trigger.start - event.evidence.start]
            if len(between) <= 100 and _CONSEQUENCE.search(between[-30:]):
                event.date = TimeValue(cause.date.value[:4], "year", None)
                break


_SAME_TIME = re.compile(
    r"(?i)(?:during|in|at|around) (?:this|that|the same) (?:period|time|year|month)\b|at the time\b"
)


STORY_KINDS = {k.name for k in KINDS.values() if k.story}


def carry_dates(events: list[Event], where: dict[int, int], published, gazetteer: Gazetteer) -> None:
    """Date undated diplomatic events from the story they belong to.

    News leads report the day's events without a date (the publication date is theirs), and the
    sentences that follow a dated event about the same people continue its story.
    """
    previous: Event | None = None
    dated: Event | None = None
    for event in sorted(events, key=lambda e: where[id(e)]):
        index = where[id(event)]
        if event.date is None and dated is not None and _SAME_TIME.match(event.evidence.text):
            # "During this period, …" is the time of the sentence before, a period: its year
            event.date = TimeValue(dated.date.value[:4], "year", event.evidence.text[:20].split(",")[0])
        dated = event if event.date else dated
        if (
            event.kind in STORY_KINDS
            and event.date is None
            and not event.time_expression
            and event.status == "happened"
        ):
            if index < 2 and isinstance(published, dt.date) and not event.key:
                event.date = TimeValue(published.isoformat(), "day", None)
            elif (
                previous is not None and index - where[id(previous)] <= 2 and shares_agents(event, previous, gazetteer)
            ):
                event.date, event.time_expression = previous.date, previous.time_expression
        if event.kind in STORY_KINDS and (event.date or event.time_expression):
            previous = event
