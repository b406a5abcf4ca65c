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
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kg.extract import lexicon
from kg.extract.dates import WEEKDAYS, find_time_expressions, month_number, resolve
from kg.extract.dating import date_by_dispatch, years_of
from kg.extract.kinds import kind_of
from kg.extract.links import happening_mentions, link_happening
from kg.extract.model import Entity, Event, Extraction, TimeValue
from kg.ids import slugify
from kg.reference import Gazetteer, load_reference

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


Progress = Callable[[str, int, int], None]


def resolve_events(
    extractions: list[Extraction], gazetteer: Gazetteer | None = None, progress: Progress | None = None
) -> None:
    """Give every event a stable key shared by all reports of the same real event; complete their dates."""
    gazetteer = gazetteer or _reference_gazetteer()
    stands_for = _countries_of_people(gazetteer)
    named = {k.partition("/")[2] for k in gazetteer.entities if k.startswith("event/")}
    clusters = _cluster(extractions, named, stands_for, progress)
    if _infer_anchors(extractions, clusters, gazetteer):
        _link_happenings(extractions, gazetteer)
        clusters = _cluster(extractions, named, stands_for, progress)
    _assign(clusters, named)


@functools.cache
def _reference_gazetteer() -> Gazetteer:
    return Gazetteer.from_graph(load_reference())


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


def _cluster(
    extractions: list[Extraction],
    named_keys: set[str],
    stands_for: dict[str, set[str]],
    progress: Progress | None = None,
) -> list[list[tuple[str, Event]]]:
    """Group the reports of one real event: each report joins the first cluster all of whose reports it is
    `_compatible` with and none of which comes from its own article, in the order of `_report_order`.

    Two shortcuts keep this near linear in the number of reports and give exactly the clusters of comparing
    every pair. Blocking: a report is compared only with the clusters whose first report it could be
    compatible with (`_Blocks`). Signatures: `_compatible` reads nothing of a report but its signature, so a
    cluster is checked once per distinct signature it holds — syndicated copies of one report are many
    reports and one signature.
    """
    named: dict[str, list] = {}
    clusters: list[_Cluster] = []
    blocks = _Blocks(stands_for)
    reports = sorted(_reports(extractions), key=_report_order)
    for done, (article, event) in enumerate(reports, start=1):
        if progress and (done % 500 == 0 or done == len(reports)):
            progress("matching", done, len(reports))
        if event.key in named_keys:
            named.setdefault(event.key, []).append((article, event))
            continue
        fits = (
            i
            for i in blocks.candidates(event)
            if article not in clusters[i].articles
            and all(_compatible(event, other.event, stands_for) for other in clusters[i].signatures)
        )
        chosen = next(fits, None)
        if chosen is None:
            chosen = len(clusters)
            clusters.append(_Cluster())
            blocks.add(chosen, event)
        clusters[chosen].add(article, event, _Signature.of(event))
    return [*named.values(), *(c.reports for c in clusters)]


def _report_order(report: tuple[str, Event]) -> tuple:
    """Order reports most precisely dated first, then by article and position, so clustering is deterministic."""
    article, event = report
    return -_precision(event), article, event.evidence.start


class _Blocks:
    """Index clusters by what their first report offers, so that a report finds only those it may fit.

    Every tag stands for one way `_compatible` can hold between a report and the first report of a cluster,
    under a blocking key both share (class family, status, parties): two dates agree only within one year;
    an undated report with a weekday or a month fits only dates of that weekday or month (or dates too coarse
    to say); without a date or a hint it fits a dated one only if its kind happens once per pair; and two
    undated reports match only if both are once-per-pair kinds or they agree on place, people and wording.
    """

    def __init__(self, stands_for: dict[str, set[str]]):
        self.stands_for = stands_for
        self.index: dict[tuple, list[int]] = {}

    def add(self, cluster: int, first: Event) -> None:
        """Index a new cluster under the tags of its first report."""
        for key in _blocking_keys(first, self.stands_for):
            for tag in self._offered(first):
                self.index.setdefault((key, tag), []).append(cluster)

    def candidates(self, event: Event) -> list[int]:
        """Return, in order of creation, the clusters whose first report `event` may be compatible with."""
        tags = self._sought(event)
        keys = _blocking_keys(event, self.stands_for)
        return sorted({i for key in keys for tag in tags for i in self.index.get((key, tag), ())})

    @staticmethod
    def _offered(event: Event) -> list[tuple]:
        if event.date is None:
            tags = [("year", None)]
            if kind_of(event.kind).once_per_pair:
                tags.append(("once",))
            if _exact(event):
                tags.append(("exact", _exact(event)))
            return tags
        value = event.date.value
        tags = [("year", _year(value)), ("dated",)]
        if len(value) == 10:
            tags.append(("weekday", dt.date.fromisoformat(value).weekday()))
        tags.append(("month", int(value[5:7])) if len(value) >= 7 else ("coarse",))
        return tags

    @staticmethod
    def _sought(event: Event) -> list[tuple]:
        if event.date is not None:
            return [("year", _year(event.date.value)), ("year", None)]
        once = kind_of(event.kind).once_per_pair
        hint = _hint(event.time_expression)
        if event.time_expression and hint is None:
            tags = [("dated",)]
        elif event.time_expression:
            tags = [hint] if hint[0] == "weekday" else [hint, ("coarse",)]
        else:
            tags = [("dated",)] if once else []
        if once:
            tags.append(("once",))
        if _exact(event):
            tags.append(("exact", _exact(event)))
        return tags


def _year(value: str) -> str | None:
    return value[:4] if len(value) >= 4 else None


def _exact(event: Event) -> tuple | None:
    """Return what two undated reports must share when their kind may recur: place, people and time wording."""
    if not (event.place and _persons(event)):
        return None
    return event.place, frozenset(_persons(event)), (event.time_expression or "").lower()


@dataclass(frozen=True)
class _Signature:
    """What `_compatible` reads of a report; reports with equal signatures are compatible with the same others."""

    kind: str
    status: str
    place: str | None
    agents: frozenset[str]
    date: str | None
    time_expression: str | None
    event: Event = field(compare=False, hash=False)

    @classmethod
    def of(cls, event: Event) -> _Signature:
        agents = frozenset(k for k in [*event.participants, *event.hosts] if k.startswith(("person/", "country/")))
        date = event.date.value if event.date else None
        return cls(event.kind, event.status, event.place, agents, date, event.time_expression, event)


@dataclass
class _Cluster:
    """The reports grouped so far as one event, with their articles and distinct signatures."""

    reports: list[tuple[str, Event]] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    signatures: dict[_Signature, None] = field(default_factory=dict)

    def add(self, article: str, event: Event, signature: _Signature) -> None:
        self.reports.append((article, event))
        self.articles.add(article)
        self.signatures.setdefault(signature)


def _blocking_keys(event: Event, stands_for: dict[str, set[str]]) -> set[tuple]:
    """Return keys two reports of one event share: class family, status, and their parties — the same single
    party, or two of them — among the people, and among the states (people counting as theirs)."""
    people = _persons(event)
    states = _countries(event) | {c for p in people for c in stands_for.get(p, ())}
    family = kind_of(event.kind).merge_class
    keys = set()
    for level, parties in (("person", people), ("state", states)):
        ordered = sorted(parties)
        groups = [tuple(ordered)] if len(ordered) == 1 else itertools.combinations(ordered, 2)
        keys |= {(family, event.status, level, *group) for group in groups}
    return keys


def _precision(event: Event) -> int:
    return len(event.date.value) if event.date else 0


def _compatible(a: Event, b: Event, stands_for: dict[str, set[str]]) -> bool:
    if kind_of(a.kind).merge_class != kind_of(b.kind).merge_class or a.status != b.status:
        return False
    if a.place and b.place and a.place != b.place:
        return False
    if not _same_agents(a, b, stands_for):
        return False
    if a.date is None and b.date is None:
        if kind_of(a.kind).once_per_pair and kind_of(b.kind).once_per_pair:
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
    return kind_of(a.kind).once_per_pair


def _persons(event: Event) -> set[str]:
    return {k for k in [*event.participants, *event.hosts] if k.startswith("person/")}


def _countries(event: Event) -> set[str]:
    return {k for k in [*event.participants, *event.hosts] if k.startswith("country/")}


def _same_agents(a: Event, b: Event, stands_for: dict[str, set[str]]) -> bool:
    """Return whether two reports name the same parties; where one names only states, people count as theirs."""
    pa, pb = _persons(a), _persons(b)
    if pa and pb:
        return pa == pb or len(pa & pb) >= 2
    ca, cb = (_countries(e) | {c for p in people for c in stands_for.get(p, ())} for e, people in ((a, pa), (b, pb)))
    if ca and cb:
        return ca == cb or len(ca & cb) >= 2
    return False


def _dates_agree(x: str, y: str) -> bool:
    n = min(len(x), len(y))
    return x[:n] == y[:n]


def _hint_fits(expression: str | None, value: str) -> bool:
    """Return whether an unresolved expression ("Tuesday", "in July") can name the date `value`."""
    hint = _hint(expression)
    if hint is None:
        return True
    if hint[0] == "weekday":
        return len(value) == 10 and dt.date.fromisoformat(value).weekday() == hint[1]
    return len(value) < 7 or int(value[5:7]) == hint[1]


def _hint(expression: str | None) -> tuple[str, int] | None:
    """Return the weekday (0 = Monday) or else the month an unresolved expression names, if any."""
    words = (expression or "").lower()
    weekday = next((i for i, d in enumerate(WEEKDAYS) if d in words), None)
    if weekday is not None:
        return "weekday", weekday
    month = next((i for i, m in enumerate(_MONTH_NAMES, start=1) if re.search(rf"\b{m[:3]}", words)), None)
    return ("month", month) if month is not None else None


def _hint_agrees(x: str | None, y: str | None) -> bool:
    return (x or "").lower() == (y or "").lower()


def _infer_anchors(extractions: list[Extraction], clusters, gazetteer: Gazetteer) -> bool:
    """Infer the publication window of undated articles and re-resolve their relative dates against it.

    A relative expression whose value is known from elsewhere pins the article's date: "on Tuesday" merged
    with a report dated 2024-08-27 puts it within the week after; "last December" said of an appointment
    the reference data dates to December 2021 puts it in 2022. Reports of a numbered series ("the first
    meeting … last month", "the second meeting … in late February") must keep their order, which narrows
    the window further. Each relative date is then resolved only as precisely as the whole window allows.
    """
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
        if extraction.article.published is not None:
            continue
        days = pinned.get(extraction.article.identifier)
        window = (
            (max(days), min(days) + dt.timedelta(days=6)) if days else _window_from_reference(extraction, gazetteer)
        )
        if window is None or window[0] > window[1]:
            continue
        window = _after_named_months(extraction.events, _keep_series_order(extraction.events, window))
        for event in extraction.events:
            changed |= _re_resolve(event, window)
            date_by_dispatch(event, _within_month(window))
    return changed


def _window_from_reference(extraction: Extraction, gazetteer: Gazetteer) -> tuple[dt.date, dt.date] | None:
    """Return the publication window implied by appointments the reference data dates ("named … last December")."""
    windows = []
    for event in extraction.events:
        if event.kind != "Appointment" or event.date or not event.time_expression:
            continue
        starts = {
            h.start[:7]
            for person in event.participants
            for h in gazetteer.offices_of(person)
            if h.start and len(h.start) >= 7 and _hint_fits(event.time_expression, h.start[:7])
        }
        expressions = find_time_expressions(event.time_expression)
        if len(starts) == 1 and expressions and expressions[0].kind in ("month", "month-last-year"):
            windows.append(_anchors_giving(expressions[0], starts.pop()))
    windows = [w for w in windows if w]
    if not windows:
        return None
    return max(w[0] for w in windows), min(w[1] for w in windows)


def _months(window: tuple[dt.date, dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Return the calendar months a window spans, each as (first day, last day) clipped to the window."""
    out, day = [], window[0]
    while day <= window[1]:
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append((day, min(following - dt.timedelta(days=1), window[1])))
        day = following
    return out


def _anchors_giving(expression, value: str) -> tuple[dt.date, dt.date] | None:
    """Return the span of publication months in which `expression` means `value`."""
    year = int(value[:4])
    months = _months((dt.date(year - 1, 1, 1), dt.date(year + 2, 12, 31)))
    fitting = [m for m in months if all((resolve(expression, d) or _NONE).value == value for d in m)]
    return (fitting[0][0], fitting[-1][1]) if fitting else None


_NONE = TimeValue("", "year")


def _keep_series_order(events: list[Event], window: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """Narrow a window to the months in which the article's numbered meetings keep their order."""
    series = []
    for event in events:
        number = next(
            (i for i, o in enumerate(lexicon.ORDINALS) if re.match(rf"{o}\b", (event.wording or "").lower())), None
        )
        expressions = find_time_expressions(event.time_expression or "")
        if number is not None and expressions and event.kind in ("Meeting", "Talks"):
            series.append((number, expressions[0]))
    if len(series) < 2:
        return window
    kept = [m for m in _months(window) if _in_order(series, m)]
    return (kept[0][0], kept[-1][1]) if kept else window


def _after_named_months(events: list[Event], window: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """Narrow a window to months after those its past events are placed in by name alone.

    News names the month of a past event ("was held in late February") only once that month is over;
    within it, the same report says "earlier this month" or gives the weekday.
    """
    named = set()
    for event in events:
        expressions = find_time_expressions(event.time_expression or "")
        if event.status != "happened" or not expressions or expressions[0].kind != "month":
            continue
        if (expressions[0].get("rel") or "in").lower() in ("in", "early", "late", "mid"):
            named.add(month_number(expressions[0].get("month")))
    kept = [m for m in _months(window) if m[0].month not in named]
    return (kept[0][0], kept[-1][1]) if kept and named else window


def _in_order(series, month: tuple[dt.date, dt.date]) -> bool:
    values = []
    for number, expression in series:
        ends = [resolve(expression, day) for day in month]
        if None in ends or ends[0].value != ends[1].value:
            continue
        values.append((number, ends[0].value))
    values.sort()
    return all(_dates_agree(a[1], b[1]) or a[1] < b[1] for a, b in zip(values, values[1:], strict=False))


def _is_recent_day(expression: str) -> bool:
    return any(d in expression.lower() for d in WEEKDAYS) or expression.lower() in ("today", "yesterday")


def _re_resolve(event: Event, anchor: tuple[dt.date, dt.date]) -> bool:
    if event.date is not None or not event.time_expression:
        return False
    expressions = find_time_expressions(event.time_expression)
    if not expressions:
        return False
    value = resolve(expressions[0], anchor, future=event.status == "planned")
    if value is None or (value.precision == "year" and _is_recent_day(expressions[0].text)):
        value = _within_month(anchor) or value
    if value is None:
        return False
    event.date = replace(value, text=event.time_expression)
    event.time_expression = None
    return True


def _within_month(window: tuple[dt.date, dt.date]) -> TimeValue | None:
    """Return the month of a publication window that lies inside one calendar month.

    "Said Saturday" in an article of that month is dated to the month, as a reader would: the weekday
    falls in the month before only for an article of the month's first days.
    """
    early, late = window
    if (early.year, early.month) != (late.year, late.month):
        return None
    return TimeValue(f"{early.year}-{early.month:02d}", "month")


def _assign(clusters, named_keys: set[str]) -> None:
    used: dict[str, int] = {}
    ordered = sorted(clusters, key=lambda c: min((a, e.evidence.start) for a, e in c))
    for cluster in ordered:
        events = [e for _, e in cluster]
        date = max((e.date for e in events if e.date), key=lambda d: len(d.value), default=None)
        key = next((e.key for e in events if e.key in named_keys), None) or _key(events[0], date)
        if key in used and not any(e.key == key for e in events):
            used[key] += 1
            key = f"{key}-{used[key]}"
        used.setdefault(key, 1)
        label = None if key in named_keys else _cluster_label(events, date)
        for event in events:
            event.key = key
            event.label = label
            if date and (event.date is None or len(event.date.value) < len(date.value)):
                own = event.date.text if event.date else event.time_expression
                event.date = TimeValue(date.value, date.precision, own)
                event.time_expression = None


def _key(event: Event, date: TimeValue | None) -> str:
    kind = slugify(re.sub(r"(?<!^)([A-Z])", r" \1", kind_of(event.kind).merge_class))
    people = sorted(k.partition("/")[2].split("-")[-1] for k in _persons(event))
    who = people or sorted(k.partition("/")[2] for k in _countries(event))
    parts = [date.value if date else "undated", kind]
    place = event.place.partition("/")[2] if event.place else ""
    if place:
        parts.append(place)
    parts.extend(w for w in who[:4] if w not in place.split("-"))  # "…-armenia-turkey-border", once
    return "-".join(parts)


def _cluster_label(events: list[Event], date: TimeValue | None) -> str | None:
    label = next((e.label for e in events if e.label), None)
    if label is None:
        return None
    label = re.sub(r" \([\d-]+\)$", "", label)
    return f"{label} ({date.value})" if date else label
