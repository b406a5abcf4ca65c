"""The border between two states as a place of its own: "the border", "their land border", "shut down borders".

News about a closed or reopened border speaks of "the border" without naming it. When an article reports
the closing or opening of one border between two states (an event or a border-closed relation), every
"the border" of that article is that border: one place, `place/{a}-{b}-border`, which the border events
take as their place. An article about two borders, or none, links no border phrase.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from kg.extract.entities import Found
from kg.extract.labels import event_label
from kg.extract.model import Entity, Event, Mention, Relation, Span
from kg.extract.pipeline import text_of
from kg.extract.sentences import Sentence
from kg.reference import Gazetteer

_BORDER_EVENTS = ("BorderClosure", "BorderOpening")
_BORDER = re.compile(
    r"\b(?:(?i:the|their|its)\s+(?:(?:land|shared|common|mutual)\s+)?border"
    r"|(?<=shut down )borders|(?<=closed )borders|(?<=reopened )borders|(?<=opened )borders)\b"
    r"(?!\s+(?:demarcation|delimitation|commission|guards?|crossings?|dispute))"
)


def find_border(
    sentences: list[Sentence], events: list[Event], relations: list[Relation], gazetteer: Gazetteer
) -> tuple[Entity | None, list[Mention]]:
    """Return the one border an article reports closed or opened, and every phrase of the article naming it."""
    pairs = {_pair(e.participants) for e in events if e.kind in _BORDER_EVENTS}
    pairs |= {_pair(r.parties) for r in relations if r.status == "border-closed"}
    pairs.discard(None)
    if len(pairs) != 1:
        return None, []
    pair = pairs.pop()
    border = border_entity(pair, sentences, gazetteer)
    for event in events:
        if event.kind in _BORDER_EVENTS and set(_countries(event.participants)) <= set(pair):
            event.place = border.key
            event.participants = [*pair, *[p for p in event.participants if p not in pair]]
            event.label = event_label(event, gazetteer, border.label)
    mentions = [
        Mention(border.key, Span(s.start + m.start(), s.start + m.end(), m.group(0)))
        for s in sentences
        for m in _BORDER.finditer(s.masked)
    ]
    return border, mentions


def border_entity(pair: tuple[str, str], sentences: list[Sentence], gazetteer: Gazetteer) -> Entity:
    """Return the border between two states as a place, named as the reference and as the article names it."""
    names = [gazetteer.entities[k].label for k in pair]
    label = f"{names[0]}–{names[1]} border"
    return Entity(
        key=f"place/{pair[0].partition('/')[2]}-{pair[1].partition('/')[2]}-border",
        kind="Place",
        label=label,
        in_reference=False,
        alt_labels=tuple(sorted(_written_forms(sentences, pair) - {label})),
    )


def named_borders(doc: Doc, found: list[Found]) -> list[tuple[tuple[str, str], Span]]:
    """Return each border the parse names by its two states ("the Colombia–Venezuela border", "the border
    between Armenia and Azerbaijan", "the Turkish-Armenian border"), with the words naming it."""
    out = []
    for token in doc:
        if token.lemma_.lower() != "border" or token.pos_ != "NOUN":
            continue
        phrase = [t for t in token.subtree if t.i <= token.i or t.dep_ in ("prep", "pobj", "cc", "conj")]
        start, end = phrase[0].idx, token.idx + len(token)
        between = [c for c in token.children if c.dep_ == "prep" and c.lower_ in ("between", "with")]
        if between:
            end = max(t.idx + len(t) for t in between[0].subtree)
        states = sorted({m.key for m in found if m.kind == "Country" and start <= m.start and m.end <= end})
        if len(states) == 2:
            words = text_of(doc)[start:end]
            out.append(((states[0], states[1]), Span(start, end, words)))
    return out


def _countries(keys) -> list[str]:
    return [k for k in keys if k.startswith("country/")]


def _pair(keys) -> tuple[str, str] | None:
    countries = sorted(set(_countries(keys)))
    return (countries[0], countries[1]) if len(countries) == 2 else None


def _written_forms(sentences: list[Sentence], pair: tuple[str, str]) -> set[str]:
    """Return the border's name with each state as the article writes it ("Armenia–Türkiye border")."""
    written = {key: set() for key in pair}
    for sentence in sentences:
        for mention in sentence.mentions:
            if mention.key in written and mention.how == "name":
                written[mention.key].add(sentence.text[mention.start - sentence.start : mention.end - sentence.start])
    return {f"{a}–{b} border" for a in written[pair[0]] for b in written[pair[1]] if not a.endswith(("’s", "'s"))}
