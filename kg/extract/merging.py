"""Merging an article's reports of one event: when two reports are the same event, and how one absorbs the other."""

from __future__ import annotations

import re

from kg.extract import lexicon
from kg.extract.kinds import ARMED, ENCOUNTER, kind_of, of_family
from kg.extract.model import Event
from kg.extract.sentences import unique
from kg.reference import Gazetteer


def part_of_named(event: Event, named: list[Event]) -> bool:
    """Return whether a trigger event is a named happening the same sentence names ("a 44-day war in 2020")."""
    if event.key in {n.key for n in named}:
        return False
    kind = _named_family(event.kind)
    return kind is not None and any(_named_family(n.kind) == kind for n in named)


def _named_family(kind: str) -> str | None:
    """Return what a trigger and a named happening must share to be one: armed events, or summits."""
    if kind_of(kind).family == ARMED:
        return ARMED
    return kind if kind == "Summit" else None


_ENCOUNTERS = of_family(ENCOUNTER)
_SEPARATE = re.compile(r"\b(?:separately|in a separate (?:meeting|call|conversation))\b", re.IGNORECASE)


def same_event(a: Event, b: Event, distance: int) -> bool:
    """Return whether `a` repeats `b`: the same named happening, or the same kind of event with the
    same parties in the same or the next sentence ("… in their fifth meeting. Officials met …")."""
    if a.key or b.key:
        keyed, other = (a, b) if a.key else (b, a)
        agree = other.date is None or (keyed.date is not None and other.date.value == keyed.date.value)
        if other.key or not agree or other.time_expression or other.kind != keyed.kind or distance > 1:
            return a.key == b.key
        return bool(set(a.participants) & set(b.participants))  # "… the 2023 offensive. Baku recaptured …"
    if kind_of(a.kind).merge_class != kind_of(b.kind).merge_class:
        return False
    if a.kind in _ENCOUNTERS and ordinal(a) and ordinal(b):
        # one article's "first meeting" is one meeting, and never its "second meeting"
        return ordinal(a) == ordinal(b) and not (a.place and b.place and a.place != b.place)
    if a.kind == "Statement" and a.participants == b.participants and distance <= 3 and _dates_agree(a, b):
        return True  # one speaker's words over a few sentences are one statement
    if distance > 1 or a.kind == "War":
        return False
    if distance and _SEPARATE.search(a.evidence.text):
        return False  # "Fidan separately met with …": another encounter than the one told before
    if a.kind == "Event" and (a.wording or "").lower() != (b.wording or "").lower():
        return False  # generic happenings are one only when worded alike ("was elevated to" is no anniversary)
    if a.date and b.date and a.date.value != b.date.value:
        return False
    if a.time_expression and b.time_expression and a.time_expression.lower() != b.time_expression.lower():
        return False
    people_a, people_b = ({k for k in e.participants + e.hosts if k.startswith("person/")} for e in (a, b))
    if people_a and people_b and people_a != people_b and len(people_a & people_b) < 2:
        return False
    agents_a, agents_b = set(a.participants + a.hosts), set(b.participants + b.hosts)
    return bool(agents_a & agents_b)


def _dates_agree(a: Event, b: Event) -> bool:
    return a.date is None or b.date is None or a.date.value == b.date.value


def ordinal(event: Event) -> str | None:
    """Return the ordinal an encounter is numbered by in its article ("the second meeting"), if any."""
    found = re.match(
        rf"(?:the |their )?({'|'.join(lexicon.ORDINALS)}|inaugural)\b",
        (event.wording or "").lower(),
    )
    return found.group(1) if found else None


def absorb(kept: Event, repeat: Event) -> None:
    """Complete an event with what a repeated report of it adds (date, parties, place)."""
    if repeat.date and (kept.date is None or len(repeat.date.value) > len(kept.date.value)):
        kept.date = repeat.date
    kept.time_expression = kept.time_expression or (None if kept.date else repeat.time_expression)
    kept.participants = unique(kept.participants + repeat.participants)
    kept.place = kept.place or repeat.place
    kept.key = kept.key or repeat.key


def well_formed(event: Event) -> Event:
    """Keep a meeting with a single known party as a generic event: a meeting takes two."""
    if event.kind in ("Meeting", "Talks") and len(set(event.participants + event.hosts)) < 2:
        event.kind = "Event"
    if not event.participants and event.hosts:
        event.participants, event.hosts = event.hosts, []
    return event


def shares_agents(a: Event, b: Event, gazetteer: Gazetteer) -> bool:
    """Return whether two events share a party, a person counting also as the state whose office he holds."""

    def parties(event: Event) -> set[str]:
        keys = set(event.participants + event.hosts)
        return keys | {c for k in keys if k.startswith("person/") for c in gazetteer.states_of(k)}

    return bool(parties(a) & parties(b))
