"""Lasting state-level facts between two countries: alliance, diplomatic relations, border closed, …"""

from __future__ import annotations

import datetime as dt
import re

from kg.extract import lexicon
from kg.extract.dates import resolve
from kg.extract.model import Relation, Span
from kg.extract.sentences import Sentence, hedged, in_clause
from kg.extract.story import coordinated_pair, story_antecedents
from kg.reference import Gazetteer

_CUES = tuple((status, re.compile(pattern, re.I)) for status, pattern in lexicon.RELATION_CUES)
_SINCE = re.compile(r"\b(?:since|from|established in|as of|(?:began|started) in)\s+(?:the\s+)?$", re.I)
_BECAME = re.compile(r"\b(?:upgraded|elevated|raised|turned)\b[^.;]{0,60}\bto (?:an? |the )?(?:level of )?\w", re.I)
_NEGATED = re.compile(r"\b(?:no|never|not|without)\s+(?:[\w-]+\s+(?:or\s+)?){0,2}$", re.I)
_BROKER = re.compile(r"[-\s]+(?:brokered|mediated)\b")
_UNTIL = re.compile(r"\b(?:until|till|up to)\s+(?:the\s+)?$", re.I)


def find_relations(
    sentences: list[Sentence], published: dt.date | None, gazetteer: Gazetteer | None = None
) -> list[Relation]:
    """Return one relation per pair of countries and status, with its first evidence and time span.

    A cue that is only hoped for ("raising hopes that diplomatic relations can be established") states
    nothing. The parties are the states the cue names ("normalization of ties with Armenia", "between X and
    Y"), else a pair named together, else the states of the sentence and of the officials it names, else
    those of the sentences before; brokers ("Russian-brokered") and states of the past are never parties.
    """
    past = (
        frozenset(k for k, e in gazetteer.entities.items() if e.kind == "Country" and e.end)
        if gazetteer
        else frozenset()
    )
    relations: dict[tuple, Relation] = {}
    for index, sentence in enumerate(sentences):
        for status, cue in _CUES:
            match = cue.search(sentence.masked)
            if not match or hedged(sentence.masked, match.start()):
                continue
            if status != "no-diplomatic-relations" and _NEGATED.search(sentence.masked[: match.start()]):
                continue  # "no diplomatic or commercial ties since …" states their absence
            parties = _parties(sentence, sentences[:index], match, past, gazetteer)
            if parties is None:
                continue
            key = (parties, status)
            if key in relations:
                continue
            since, until = _span(sentence, published, match)
            relations[key] = Relation(
                parties=parties,
                status=status,
                evidence=Span(sentence.start, sentence.end, sentence.text),
                since=since,
                until=until,
                wording=match.group(0),
            )
    return list(relations.values())


def _parties(sentence: Sentence, before: list[Sentence], cue: re.Match, past, gazetteer) -> tuple[str, str] | None:
    at = sentence.start + cue.start()
    clause = in_clause(sentence, sentence.mentions, at)
    relative = re.search(r"\b(?:that|which)\s+(?:[\w-]+\s+){0,6}$", sentence.masked[: cue.start()])
    if relative and len([m for m in clause if m.kind == "Country"]) < 2:
        clause = in_clause(sentence, sentence.mentions, sentence.start + relative.start() - 1)  # "… that opened …"
    countries = [
        m
        for m in clause
        if m.kind == "Country" and m.key not in past and not _BROKER.match(sentence.text, m.end - sentence.start)
    ]
    tail = sentence.masked[cue.end() :]
    named_after = [m for m in countries if 0 <= m.start - sentence.start - cue.end() <= 40]
    if named_after and re.match(r"[^.;]{0,40}?\bwith\b", tail):
        other = next((m.key for m in countries if m.key != named_after[0].key), None)
        if other:
            return tuple(sorted((other, named_after[0].key)))  # "normalization of ties with Armenia"
    pair = coordinated_pair(countries, sentence, "Country")
    if pair:
        return tuple(sorted(m.key for m in pair))
    keys = list(dict.fromkeys(m.key for m in countries))
    if gazetteer is not None:
        people = [m.key for m in sentence.mentions if m.kind == "Person"]
        keys = list(dict.fromkeys(keys + [c for p in people for c in sorted(gazetteer.states_of(p)) if c not in past]))
    if len(keys) < 2:
        antecedents = story_antecedents(sentence, before, False, past)
        keys = list(dict.fromkeys(keys + [k for k in antecedents if k.startswith("country/")]))
    if len(keys) < 2:
        return None
    return tuple(sorted(keys[:2]))


def _span(sentence: Sentence, published, cue: re.Match):
    """Return the since/until of the cue: the times nearest it that "since" or "until" introduce."""
    since = until = None
    at = sentence.start + cue.start()
    for time in sorted(sentence.times, key=lambda t: abs(t.start - at)):
        head = sentence.text[: time.start - sentence.start]
        if since is None and _SINCE.search(head):
            since = resolve(time, published)
        elif until is None and _UNTIL.search(head):
            until = resolve(time, published)
    if since is None and _BECAME.search(sentence.masked) and len(sentence.times) == 1:
        since = resolve(sentence.times[0], published)  # "signed in 2021, upgraded the relations to an alliance"
    return since, until
