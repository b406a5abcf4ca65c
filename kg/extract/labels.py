"""Readable titles of events ("Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara (2024-08-27)") and the
words an article uses for one."""

from __future__ import annotations

import re

from kg.extract.model import Event
from kg.reference import Gazetteer


def wording_of(text: str, match: re.Match) -> str:
    """Return the trigger with the words that frame it ("liberating Karabakh", "one-day offensive")."""
    words = match.group(0).strip()
    if re.match(r"(?i)liberat|seiz|recaptur|retak|retook|invaded|took control", words):
        tail = re.match(
            r"\s*((?:the |its |of )?(?:[\w’'-]+ ){0,3}?[\w’'-]+?)(?=[,.;—–]|\s+(?:in|from|during|after|"
            r"which|that|and)\b|$)",
            text[match.end() :],
        )
        if tail:
            words = f"{words} {tail.group(1)}"
    return words


def event_label(event: Event, gazetteer: Gazetteer, place_label: str | None = None) -> str:
    """Return a readable title: "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara (2024-08-27)",
    "Signing of the Zurich Protocols (2009)", "Declared independence: Azerbaijan (1991)"."""

    def name(key: str) -> str:
        entity = gazetteer.entities.get(key)
        return entity.label if entity else _title_of_slug(key.partition("/")[2])

    place = place_label or (name(event.place) if event.place in gazetteer.entities else None)
    border = place is not None and place.endswith(" border")
    people = [k for k in event.participants if k.startswith("person/")]
    names = [] if border else [name(k) for k in (people or event.participants)[:4]]  # their states go unsaid
    agreements = [k for k in event.topics if k.startswith("agreement/")]
    if event.kind == "AgreementSigning" and agreements:
        label = f"Signing of the {name(agreements[0])}"
    elif event.kind == "Event" and event.wording:
        label = f"{event.wording[:1].upper()}{event.wording[1:]}: {' and '.join(names)}" if names else event.wording
    else:
        title = re.sub(r"(?<!^)([A-Z])", r" \1", event.kind)
        label = f"{title} of {' and '.join(names)}" if names else title
    if event.hosts:
        label += f" hosted by {' and '.join(name(k) for k in event.hosts[:2])}"
    if place:
        label += f" at the {place}" if border else f" in {place}"
    if event.date:
        label += f" ({event.date.value})"
    return label


_LOWER_WORDS = {"of", "and", "the", "on", "for", "in", "at", "to", "with", "between", "de", "del", "al"}


def _title_of_slug(slug: str) -> str:
    """Return a readable name from an entity slug: "ministry-of-foreign-affairs-of-armenia" → "Ministry of …"."""
    words = slug.split("-")
    return " ".join(w if i and w in _LOWER_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))
