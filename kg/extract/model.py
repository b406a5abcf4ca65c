"""Plain data passed from an extractor to the mapping stage.

Offsets are character offsets into `Article.text` (the cleaned body): for every
span, `article.text[span.start:span.end] == span.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kg.extract.kinds import EVENT_CLASSES

if TYPE_CHECKING:
    from kg.articles import Article

#: Entity kinds; each maps to an ontology class and an IRI path segment.
ENTITY_KINDS = {
    "Country": "country",
    "Person": "person",
    "Place": "place",
    "Organization": "organization",
    "Agreement": "agreement",
    "InfrastructureProject": "project",
    "Event": "event",  # named happenings in the reference data: wars, offensives, processes
}

#: Event classes of the ontology contract (local names under dip:), from the table of event kinds.
EVENT_KINDS = EVENT_CLASSES

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the cleaned article text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TimeValue:
    """A date at the precision the text supports: 2024-08-27, 2024-08 or 2024."""

    value: str
    precision: Precision
    text: str | None = None  # the temporal expression as written ("on Tuesday")


@dataclass(frozen=True, slots=True)
class Entity:
    """Something an article names; `key` is `{kind-segment}/{slug}`, e.g. `person/hakan-fidan`."""

    key: str
    kind: str  # a key of ENTITY_KINDS, or an event class for named happenings
    label: str
    in_reference: bool = True
    role: str | None = None  # stated role of an entity the reference data does not know
    alt_labels: tuple[str, ...] = ()  # other names of an entity the reference data does not know


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where an article names an entity."""

    entity: str  # Entity.key
    span: Span


@dataclass(slots=True)
class Event:
    """A happening an article reports."""

    kind: str  # one of EVENT_KINDS
    evidence: Span
    participants: list[str] = field(default_factory=list)  # Entity.key
    hosts: list[str] = field(default_factory=list)
    mediators: list[str] = field(default_factory=list)
    place: str | None = None
    date: TimeValue | None = None
    status: Literal["happened", "planned", "announced", "denied"] = "happened"
    wording: str | None = None  # this article's own phrase for the event (its framing)
    topics: list[str] = field(default_factory=list)
    key: str | None = None  # event slug; set by cross-article coreference before mapping
    label: str | None = None  # readable title, e.g. "Meeting of Bayramov and Fidan in Ankara"
    time_expression: str | None = None  # a relative date left unresolved for want of an anchor ("on Tuesday")
    trigger: Span | None = None  # the words that report the event ("held talks", "a 44-day war")
    # "dispatch": dated by the article reporting it, which gives no date of its own; "post": by the signature
    # line of the embedded post that holds the words
    date_basis: str | None = None


@dataclass(slots=True)
class Quote:
    """Words an article puts in quotation marks and attributes to a speaker."""

    speaker: str | None  # Entity.key
    text: str  # inside the quotation marks
    evidence: Span  # the quotation with its attribution
    said_at: int | None = None  # index into Extraction.events
    co_speakers: list[str] = field(default_factory=list)  # others speaking with `speaker` ("both sides hailed")


@dataclass(slots=True)
class Relation:
    """A lasting state between two countries: alliance, border closed, …"""

    parties: tuple[str, str]  # Entity.key of two countries
    status: str  # concept local name under dipst:, e.g. "border-closed"
    evidence: Span
    since: TimeValue | None = None
    until: TimeValue | None = None
    wording: str | None = None


@dataclass(slots=True)
class Extraction:
    """Everything one extractor found in one article."""

    article: Article
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
