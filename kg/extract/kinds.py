"""The table of event kinds: one entry per event class of the ontology, read by every extraction stage.

An entry says how its reports are found and treated: its family (what it is a kind of: encounters between
people, armed events, events between two states, speech …), which class it shares a node with across
articles, how its place is found, whether a sentence may report several of it, whether it happens once per
pair of parties, and whether an undated report takes the date of the story's dated one. Its trigger patterns
are data (`patterns/events.jsonl`: spaCy `Matcher` patterns by lemma, each labelled with the kind; see
`kg.extract.triggers`). Adding an event class is one entry here plus its patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

ENCOUNTER, ARMED, EXERCISE, BETWEEN_STATES, SPEECH, AGREEMENT, OFFICE, ECONOMY, OTHER = (
    "encounter",
    "armed",
    "exercise",
    "between-states",
    "speech",
    "agreement",
    "office",
    "economy",
    "other",
)


@dataclass(frozen=True)
class EventKind:
    """How one event class is found, placed, dated and merged."""

    name: str  # the ontology class (local name under dip:)
    family: str
    #: None: placed by any literal place of its sentence; N: only by a place within N characters after the
    #: trigger ("signed … in Zurich"), so a place elsewhere in the sentence is not taken for it.
    placed_within: int | None = None
    merges_as: str | None = None  # the class whose node it shares across articles (Talks → Meeting)
    once_per_pair: bool = False  # happens once between the same parties: merged across articles by parties alone
    linked_by_parties: bool = False  # a report may be of a named reference happening with the same parties
    several_per_sentence: bool = False  # a sentence may report several (generic happenings)
    story: bool = False  # an undated report takes the date of the story's dated report of it

    @property
    def merge_class(self) -> str:
        """Return the class whose node reports of this kind share across articles."""
        return self.merges_as or self.name


KINDS: dict[str, EventKind] = {
    kind.name: kind
    for kind in (
        # Listed in the order triggers are tried: a sentence's first matching kind of a family wins.
        EventKind("Visit", ENCOUNTER, story=True),
        EventKind("PressConference", ENCOUNTER, story=True),
        EventKind("PhoneCall", ENCOUNTER, story=True),
        EventKind("Summit", ENCOUNTER),
        EventKind("Talks", ENCOUNTER, merges_as="Meeting", story=True),
        EventKind("Meeting", ENCOUNTER, story=True),
        EventKind("AgreementSigning", AGREEMENT, placed_within=40),
        EventKind("Appointment", OFFICE),
        EventKind("Election", OFFICE),
        EventKind("MilitaryOperation", ARMED, placed_within=40, linked_by_parties=True),
        EventKind("War", ARMED, placed_within=40, once_per_pair=True, linked_by_parties=True),
        EventKind("BorderClosure", BETWEEN_STATES, placed_within=30, once_per_pair=True),
        EventKind("BorderOpening", BETWEEN_STATES, placed_within=30),
        EventKind(
            "DiplomaticRelationsEstablished",
            BETWEEN_STATES,
            placed_within=30,
            once_per_pair=True,
            linked_by_parties=True,
        ),
        EventKind("RelationsSevered", BETWEEN_STATES, placed_within=30, once_per_pair=True),
        EventKind("Recognition", OTHER, once_per_pair=True),
        EventKind("Investment", ECONOMY),
        EventKind("MilitaryExercise", EXERCISE),
        EventKind("Event", OTHER, several_per_sentence=True),
        EventKind("Statement", SPEECH, placed_within=20, story=True),
    )
}

#: Event classes of the ontology contract, in trigger order.
EVENT_CLASSES = tuple(KINDS)


def kind_of(name: str) -> EventKind:
    """Return the table entry of an event class."""
    return KINDS[name]


def of_family(family: str) -> tuple[str, ...]:
    """Return the event classes of one family."""
    return tuple(k.name for k in KINDS.values() if k.family == family)
