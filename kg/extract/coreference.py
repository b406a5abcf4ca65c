"""Cross-article event coreference: one key per real event, dates completed from the best-informed report.

Reports of the same named happening (a war, an operation in the reference data) share its slug.
Other events join when they agree on class (a meeting and talks are one kind), on who took part,
on place and on time: equal or nested dates, or a weekday / month named by one report that the
other's date falls on. Two reports from one article never merge, and two reports that are both
undated merge only for once-only happenings between the same states (relations severed, border
closed …). When a report with an unknown publication date is pinned by such a merge ("on Tuesday"
= 2024-08-27), the article's date is known within a week and its other relative dates are resolved
where that week leaves them unambiguous.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import replace

from kg.extract.dates import WEEKDAYS, find_time_expressions, resolve
from kg.extract.events import happening_mentions, link_happening, years_of
from kg.extract.model import Entity, Event, Extraction, TimeValue
from kg.ids import slugify
from kg.reference import Gazetteer, load_reference

_FAMILY = {"Talks": "Meeting"}
_ONCE_PER_PAIR = {"RelationsSevered", "DiplomaticRelationsEstablished", "BorderClosure", "Recognition", "War"}
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def resolve_events(extractions: list[Extraction], gazetteer: Gazetteer | None = None) -> None:
    """Give every event a stable key shared by all reports of the same real event; complete their dates."""
    global _STANDS_FOR
    gazetteer = gazetteer or _reference_gazetteer()
    _STANDS_FOR = _countries_of_people(gazetteer)
    clusters = _cluster(extractions)
    if _infer_anchors(extractions, clusters):
        _link_happenings(extractions, gazetteer)
        clusters = _cluster(extractions)
    _assign(clusters)


@functools.cache
def _reference_gazetteer() -> Gazetteer:
    return Gazetteer.from_graph(load_reference())


_STANDS_FOR: dict[str, set[str]] = {}


def _countries_of_people(gazetteer: Gazetteer) -> dict[str, set[str]]:
    people = {h.holder for h in gazetteer.holdings}
    return {person: gazetteer.states_of(person) for person in people}


def _link_happenings(extractions: list[Extraction], gazetteer: Gazetteer) -> None:
    """Link reports dated by a re-resolution to the named happening they are, and mention it."""
    happenings = {k: e for k, e in gazetteer.entities.items() if k.startswith("event/")}
    for extraction in extractions:
        for event in extraction.events:
            if event.date and not event.key:
                link_happening(event, years_of(event.date.value), happenings)
        named = {m.entity for m in extraction.mentions}
        for mention in happening_mentions(extraction.events, happenings):
            if mention.entity not in named:
                extraction.mentions.append(mention)
                entity = gazetteer.entities[mention.entity]
                extraction.entities[mention.entity] = Entity(mention.entity, entity.kind, entity.label)
                named.add(mention.entity)


def _reports(extractions: list[Extraction]) -> list[tuple[str, Event]]:
    return [(x.article.identifier, e) for x in extractions for e in x.events]


def _cluster(extractions: list[Extraction]) -> list[list[tuple[str, Event]]]:
    named: dict[str, list] = {}
    clusters: list[list[tuple[str, Event]]] = []
    reports = sorted(_reports(extractions), key=lambda r: (-_precision(r[1]), r[0], r[1].evidence.start))
    for article, event in reports:
        if event.key and not event.key[:4].isdigit() and not event.key.startswith("undated-"):
            named.setdefault(event.key, []).append((article, event))
            continue
        for cluster in clusters:
            if all(a != article and _compatible(event, e) for a, e in cluster):
                cluster.append((article, event))
                break
        else:
            clusters.append([(article, event)])
    return [*named.values(), *clusters]


def _precision(event: Event) -> int:
    return len(event.date.value) if event.date else 0


def _compatible(a: Event, b: Event) -> bool:
    if _FAMILY.get(a.kind, a.kind) != _FAMILY.get(b.kind, b.kind) or a.status != b.status:
        return False
    if a.place and b.place and a.place != b.place:
        return False
    if not _same_agents(a, b):
        return False
    if a.date is None and b.date is None:
        if a.kind in _ONCE_PER_PAIR and b.kind in _ONCE_PER_PAIR:
            return True
        return bool(
            a.place
            and a.place == b.place
            and _persons(a)
            and _persons(a) == _persons(b)
            and _hint_agrees(a.time_expression, b.time_expression)
        )
    if a.date and b.date:
        return _dates_agree(a.date.value, b.date.value)
    dated, other = (a, b) if a.date else (b, a)
    if other.time_expression:
        return _hint_fits(other.time_expression, dated.date.value)
    return a.kind in _ONCE_PER_PAIR


def _persons(event: Event) -> set[str]:
    return {k for k in [*event.participants, *event.hosts] if k.startswith("person/")}


def _countries(event: Event) -> set[str]:
    return {k for k in [*event.participants, *event.hosts] if k.startswith("country/")}


def _same_agents(a: Event, b: Event) -> bool:
    """Return whether two reports name the same parties; where one names only states, people count as theirs."""
    pa, pb = _persons(a), _persons(b)
    if pa and pb:
        return pa == pb or len(pa & pb) >= 2
    ca, cb = (_countries(e) | {c for p in people for c in _STANDS_FOR.get(p, ())} for e, people in ((a, pa), (b, pb)))
    if ca and cb:
        return ca == cb or len(ca & cb) >= 2
    return False


def _dates_agree(x: str, y: str) -> bool:
    n = min(len(x), len(y))
    return x[:n] == y[:n]


def _hint_fits(expression: str | None, value: str) -> bool:
    """Return whether an unresolved expression ("Tuesday", "in July") can name the date `value`."""
    if not expression:
        return True
    words = expression.lower()
    weekday = next((i for i, d in enumerate(WEEKDAYS) if d in words), None)
    if weekday is not None:
        return len(value) == 10 and dt.date.fromisoformat(value).weekday() == weekday
    month = next((i for i, m in enumerate(_MONTH_NAMES, start=1) if re.search(rf"\b{m[:3]}", words)), None)
    if month is not None and len(value) >= 7:
        return int(value[5:7]) == month
    return True


def _hint_agrees(x: str | None, y: str | None) -> bool:
    return (x or "").lower() == (y or "").lower()


def _infer_anchors(extractions: list[Extraction], clusters) -> bool:
    """Bound the date of undated articles by weekday reports pinned to a day; re-resolve their dates."""
    pinned: dict[str, list[dt.date]] = {}
    for cluster in clusters:
        best = max((e.date for _, e in cluster if e.date), key=lambda d: len(d.value), default=None)
        if best is None or best.precision != "day":
            continue
        for article, event in cluster:
            if event.date is None and event.time_expression and _is_recent_day(event.time_expression):
                pinned.setdefault(article, []).append(dt.date.fromisoformat(best.value))
    changed = False
    for extraction in extractions:
        days = pinned.get(extraction.article.identifier)
        if extraction.article.published is not None or not days:
            continue
        anchor = (max(days), min(days) + dt.timedelta(days=6))
        if anchor[0] > anchor[1]:
            continue
        for event in extraction.events:
            changed |= _re_resolve(event, anchor)
    return changed


def _is_recent_day(expression: str) -> bool:
    return any(d in expression.lower() for d in WEEKDAYS) or expression.lower() in ("today", "yesterday")


def _re_resolve(event: Event, anchor: tuple[dt.date, dt.date]) -> bool:
    if event.date is not None or not event.time_expression:
        return False
    expressions = find_time_expressions(event.time_expression)
    if not expressions:
        return False
    value = resolve(expressions[0], anchor, future=event.status == "planned")
    if value is None:
        return False
    event.date = replace(value, text=event.time_expression)
    event.time_expression = None
    return True


def _assign(clusters) -> None:
    used: dict[str, int] = {}
    ordered = sorted(clusters, key=lambda c: min((a, e.evidence.start) for a, e in c))
    for cluster in ordered:
        events = [e for _, e in cluster]
        date = max((e.date for e in events if e.date), key=lambda d: len(d.value), default=None)
        key = next((e.key for e in events if e.key and not e.key[:4].isdigit()), None) or _key(events[0], date)
        if key in used and not any(e.key == key for e in events):
            used[key] += 1
            key = f"{key}-{used[key]}"
        used.setdefault(key, 1)
        label = _cluster_label(events, date)
        for event in events:
            event.key = key
            event.label = label
            if date and (event.date is None or len(event.date.value) < len(date.value)):
                own = event.date.text if event.date else event.time_expression
                event.date = TimeValue(date.value, date.precision, own)
                event.time_expression = None


def _key(event: Event, date: TimeValue | None) -> str:
    kind = slugify(re.sub(r"(?<!^)([A-Z])", r" \1", _FAMILY.get(event.kind, event.kind)))
    people = sorted(k.partition("/")[2].split("-")[-1] for k in _persons(event))
    who = people or sorted(k.partition("/")[2] for k in _countries(event))
    parts = [date.value if date else "undated", kind]
    if event.place:
        parts.append(event.place.partition("/")[2])
    parts.extend(who[:4])
    return "-".join(parts)


def _cluster_label(events: list[Event], date: TimeValue | None) -> str | None:
    label = next((e.label for e in events if e.label), None)
    if label is None:
        return None
    label = re.sub(r" \([\d-]+\)$", "", label)
    return f"{label} ({date.value})" if date else label
