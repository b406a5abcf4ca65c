"""Links from reports to named happenings and agreements of the reference data: a war, an offensive or a
relations anniversary by its parties and time, an agreement by its description ("a 2009 peace accord")."""

from __future__ import annotations

import re

from kg.extract.kinds import kind_of
from kg.extract.model import Event, Mention


def link_happening(event: Event, years: tuple[int, int] | None, happenings: dict) -> None:
    """Give an event the slug of the named happening it is, matched by class, parties and time."""
    if not kind_of(event.kind).linked_by_parties or event.key:
        return
    countries = {p for p in event.participants if p.startswith("country/")}
    candidates = []
    for key, entity in happenings.items():
        if entity.kind != event.kind or not entity.participants or not entity.start:
            continue
        inside = set(entity.participants) <= countries | set(event.hosts)
        if not inside and not (event.kind == "MilitaryOperation" and set(entity.participants) & countries):
            continue
        if not years or not overlaps_happening(years, entity):
            continue  # without a time cue the parties alone do not tell which happening it was
        candidates.append(key)
    if len(candidates) == 1:
        event.key = candidates[0].partition("/")[2]


def happening_mentions(events: list[Event], happenings: dict) -> list[Mention]:
    """Return a mention of each named happening an event was linked to by its words ("a 44-day war")."""
    out = []
    for event in events:
        key = f"event/{event.key}"
        if event.key and key in happenings and event.trigger is not None:
            out.append(Mention(key, event.trigger))
    return out


_DESCRIPTION = re.compile(
    r"\b(?:an?|the|their|its)\s+(?:(?:19|20)\d\d\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:accords?|agreements?|protocols?|memorandum(?: of (?:agreement|understanding))?|treaty|deal)\b"
)


def describe_agreement(text: str) -> re.Match | None:
    """Return the first words of `text` that describe an agreement without naming it ("a 2009 peace accord")."""
    return _DESCRIPTION.search(text)


def overlaps_happening(years: tuple[int, int], entity) -> bool:
    start = int(entity.start[:4])
    end = int(entity.end[:4]) if entity.end else 9999
    return years[0] <= end and start <= years[1]
