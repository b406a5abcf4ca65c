"""Lasting state-level facts between two countries: alliance, diplomatic relations, border closed, …"""

from __future__ import annotations

import datetime as dt
import re

from kg.extract import lexicon
from kg.extract.dates import resolve
from kg.extract.events import Sentence, _antecedents
from kg.extract.model import Relation, Span

_CUES = tuple((status, re.compile(pattern, re.I)) for status, pattern in lexicon.RELATION_CUES)
_SINCE = re.compile(r"\b(?:since|from|established in|as of|(?:began|started) in)\s+(?:the\s+)?$", re.I)
_UNTIL = re.compile(r"\b(?:until|till|up to)\s+(?:the\s+)?$", re.I)


def find_relations(sentences: list[Sentence], published: dt.date | None) -> list[Relation]:
    """Return one relation per pair of countries and status, with its first evidence and time span."""
    relations: dict[tuple, Relation] = {}
    for index, sentence in enumerate(sentences):
        for status, cue in _CUES:
            match = cue.search(sentence.masked)
            if not match:
                continue
            parties = _parties(sentence, sentences[:index])
            if parties is None:
                continue
            key = (parties, status)
            if key in relations:
                continue
            since, until = _span(sentence, published)
            relations[key] = Relation(
                parties=parties,
                status=status,
                evidence=Span(sentence.start, sentence.end, sentence.text),
                since=since,
                until=until,
                wording=match.group(0),
            )
    return list(relations.values())


def _parties(sentence: Sentence, before: list[Sentence]) -> tuple[str, str] | None:
    countries = list(dict.fromkeys(m.key for m in sentence.mentions if m.kind == "Country"))
    if len(countries) < 2:
        countries = list(
            dict.fromkeys(countries + [k for k in _antecedents(sentence, before, False) if k.startswith("country/")])
        )
    if len(countries) < 2:
        return None
    return tuple(sorted(countries[:2]))


def _span(sentence: Sentence, published):
    since = until = None
    for time in sentence.times:
        head = sentence.text[: time.start - sentence.start]
        if since is None and _SINCE.search(head):
            since = resolve(time, published)
        elif until is None and _UNTIL.search(head):
            until = resolve(time, published)
    return since, until
