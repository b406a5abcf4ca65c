"""Named happenings spoken of by description: "the devastating earthquakes in Türkiye's southeast",
"“genocide” of hundreds of thousands of Armenians".

A reference happening is described when a sentence uses the event noun of its name ("earthquakes",
"genocide") and names one of the states its name or its parties give (a demonym counts), while no
date of the sentence falls outside its time span. The description is linked only when exactly one
happening fits it; "the war" beside Armenia and Azerbaijan fits two wars and links neither.
"""

from __future__ import annotations

import re

from kg.extract.model import Mention, Span
from kg.extract.sentences import Sentence
from kg.reference import Gazetteer, ReferenceEntity, fold

#: Event nouns a happening's name is headed by, singular and plural.
EVENT_NOUNS = (
    "earthquake",
    "genocide",
    "war",
    "offensive",
    "invasion",
    "summit",
    "conflict",
    "battle",
    "dissolution",
    "exodus",
)
_INDEFINITE = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}$", re.I)


class DescribedHappenings:
    """Find the reference happenings sentences describe without naming them; built once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        states = {e.key: e for e in gazetteer.entities.values() if e.kind == "Country"}
        happenings = [(e, _noun(e)) for e in gazetteer.entities.values() if e.key.startswith("event/")]
        # (happening, its event noun, the states it is of): what a description is matched against
        self.happenings = [(e, noun, _anchors(e, states)) for e, noun in happenings if noun]
        self.nouns = sorted({noun for _, noun, _ in self.happenings})

    def __call__(self, sentences: list[Sentence]) -> list[Mention]:
        """Return a mention of each reference happening a sentence describes without naming it."""
        out = []
        for sentence in sentences:
            named = [(m.start, m.end) for m in sentence.mentions]
            countries = {m.key for m in sentence.mentions if m.kind == "Country"}
            for noun in self.nouns:
                for found in re.finditer(rf"\b{noun}s?\b", sentence.text, re.I):
                    start, end = sentence.start + found.start(), sentence.start + found.end()
                    if any(s <= start < e for s, e in named):
                        continue  # part of a name the gazetteer matched already
                    if _INDEFINITE.search(sentence.text[: found.start()]):
                        continue  # "engaged in a conflict with …" tells of a happening, it does not refer to one
                    fits = [
                        e
                        for e, n, anchors in self.happenings
                        if n == noun and anchors & countries and _in_span(e, sentence)
                    ]
                    if len(fits) == 1:
                        out.append(Mention(fits[0].key, Span(start, end, found.group(0))))
        return out


def _noun(happening: ReferenceEntity) -> str | None:
    words = [w.rstrip("s") if w.endswith("quakes") else w for w in fold(happening.label).lower().split()]
    return next((w for w in words if w in EVENT_NOUNS), None)


def _anchors(happening: ReferenceEntity, states: dict[str, ReferenceEntity]) -> set[str]:
    """Return the states a happening is of: its parties, and those its name names ("Turkey–Syria", "Armenian")."""
    words = set(re.findall(r"[\w]+", fold(happening.label).lower()))
    named = {key for key, state in states.items() if {fold(n).lower() for n in (state.label, *state.demonyms)} & words}
    return set(happening.participants) | named


def _in_span(happening: ReferenceEntity, sentence: Sentence) -> bool:
    """Return whether no year the sentence gives lies outside the happening's time span."""
    if not happening.start:
        return True
    first, last = int(happening.start[:4]), int((happening.end or happening.start)[:4])
    years = [int(t.get("year")) for t in sentence.times if t.get("year")]
    return all(first <= year <= last for year in years)
