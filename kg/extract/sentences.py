"""Sentences of an article and the clause-level helpers every extraction stage reads: quotations, clauses,
the text before a name, places written in a sentence, evidence spans."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract.datelines import Dateline
from kg.extract.dates import TimeExpression
from kg.extract.entities import Found
from kg.extract.model import Span
from kg.extract.roles import Roles
from kg.extract.triggers import Trigger

FUTURE = re.compile(
    r"(?<!political )(?<!good )(?<!the )\b(?:will(?! to\b)|shall|is to|are to|to be held|scheduled|"
    r"plans? to|planning to|set to|due to|upcoming|intends? to|agreed to|to meet|(?:is|are) expected to|"
    r"next (?:week|month|year))\b",
    re.I,
)


HEDGE = re.compile(
    r"\b(?:idea of|could|would|might|hopes? (?:that|to|for)|raising hopes|proposal|ready to|willing to|"
    r"on the brink of|if|whether|wants? to|aim(?:s|ed)? to|calls? for|steps? (?:to|toward))\b",
    re.I,
)


HOST = re.compile(r"\b(?:invitation of|hosted by|at the invitation of|guest of)\s+$", re.I)


HOST_VERB = re.compile(r"\b(?:hosted|hosts|host|brought)\b")


MEDIATOR = re.compile(r"(?:-brokered|-mediated|\bmediated by|\bbrokered by|\bmediation of)", re.I)


@dataclass(frozen=True)
class ArticleContext:
    """What the extraction of one article knows beyond a sentence, passed along with each sentence."""

    published: dt.date | tuple[dt.date, dt.date] | None  # what relative dates count from (day or window)
    people: frozenset[str] = frozenset()  # every person the article names


@dataclass
class Sentence:
    """A sentence of the article with its mentions and temporal expressions."""

    start: int
    end: int
    text: str
    mentions: list[Found] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    masked: str = ""  # the text with quotations blanked out
    found_triggers: list[Trigger] = field(default_factory=list)  # the event triggers of the sentence
    doc: Doc | None = None  # the parsed article the sentence belongs to
    dateline: Dateline | None = None  # the article's dateline ("BAKU, Sept 25 (Reuters) -"), if it has one
    context: ArticleContext = field(default_factory=lambda: ArticleContext(None))
    triggers: list[tuple[int, int]] = field(default_factory=list)  # trigger offsets outside quotations

    def outside_quotes(self, trigger: Trigger) -> bool:
        """Return whether a trigger stands outside every quotation of the sentence."""
        return self.masked[trigger.start - self.start : trigger.end - self.start] == trigger.text


class TriggerMatch:
    """A trigger seen as a match within its sentence (offsets relative to the sentence start)."""

    def __init__(self, trigger: Trigger, sentence: Sentence):
        self.trigger = trigger
        self._start = trigger.start - sentence.start
        self._end = trigger.end - sentence.start

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def group(self, _: int = 0) -> str:
        return self.trigger.text


ADDRESSING = re.compile(r"\b(?:addressing|addressed|told|in a speech to|in an address to)\s+(?:the\s+)?$", re.I)


WITH = re.compile(r"\bwith\s+(?:(?:his|her|their|its|the)\s+)?(?:[\w’'-]+\s+){0,3}$", re.I)


def office_matches(label: str, office: str) -> bool:
    return label.startswith(office + " of ") or label.endswith(" " + office)


SUBCLAUSE = re.compile(r"(?:,\s+|\s)(?:after|before|when|while|because|until)\s|[;—–]")


CLAUSE = re.compile(
    r",\s+(?:but|while|after|which|as|though)\b|\bthat\b|;|\s[—–]\s"
    r"|\s(?:as|after|when|while|because|before|until)\s(?=[A-Z])"  # "… cut off as Armenia engaged in …"
)


def in_clause(sentence: Sentence, agents: list[Found], at: int) -> list[Found]:
    """Return the agents of the clause holding offset `at` ("…, but Baku won a victory in seizing …")."""
    cuts = [0, *(m.start() for m in CLAUSE.finditer(sentence.masked)), len(sentence.masked)]
    offset = at - sentence.start
    start = max(c for c in cuts if c <= offset)
    end = min((c for c in cuts if c > offset), default=len(sentence.masked))
    return [m for m in agents if start <= m.start - sentence.start < end]


_LEFT_STATE = re.compile(r"\bindependence from (?:the )?$")


_SOURCE = re.compile(r"\s+(?:reports|reported|reporting)\b")


def bystander(sentence: Sentence, mention: Found) -> bool:
    """Return whether a name only frames the sentence: the state independence is declared from, or the
    outlet it cites ("Caliber.Az reports")."""
    return bool(
        _LEFT_STATE.search(text_before(sentence, mention)) or _SOURCE.match(sentence.text, mention.end - sentence.start)
    )


def mention_text(sentence: Sentence, mention: Found) -> str:
    """Return the words of a mention."""
    return sentence.text[mention.start - sentence.start : mention.end - sentence.start]


def named_inside(sentence: Sentence, start: int, end: int) -> list[str]:
    """Return the states and organisations named inside a span ("a NATO summit", "the EU–Turkey summit")."""
    return [m.key for m in sentence.mentions if m.is_agent and start <= m.start and m.end <= end]


def text_before(sentence: Sentence, mention: Found) -> str:
    return sentence.text[: mention.start - sentence.start]


def hedged(text: str, at: int) -> bool:
    window = text[max(0, at - 45) : at]
    return bool(HEDGE.search(window))


def attributes_quote(sentence: Sentence, verb: re.Match) -> bool:
    """Return whether the speech verb introduces or closes a quotation of four words or more."""
    for match in re.finditer(r"[“\"]([^”\"]*)[”\"]?", sentence.text):
        if len(match.group(1).split()) <= 3:
            continue
        before = sentence.text[match.end() : verb.start()]
        after = sentence.text[verb.end() : match.start()]
        if match.end() <= verb.start() and len(before) <= 40 and "." not in before:
            return True
        if verb.end() <= match.start() and re.fullmatch(r"\s*(?:[:,]|that)?\s*", after):
            return True  # "he said: “…”"; a quoted object ("reaffirmed their commitment to “…”") is said of it
    return False


def inside_quote(sentence: Sentence, mention: Found) -> bool:
    offset = mention.start - sentence.start
    return sentence.masked[offset : offset + 1] == " " and sentence.text[offset : offset + 1] != " "


def place_after(sentence: Sentence, at: int, within: int | None = None) -> str | None:
    places = [m for m in sentence.mentions if m.kind == "Place" and m.start >= at and m.literal]
    places = [m for m in places if within is None or m.start - at <= within]
    return places[0].key if places else None


def sentence_place(sentence: Sentence) -> str | None:
    places = [
        m
        for m in sentence.mentions
        if m.kind == "Place" and m.literal and not inside_quote(sentence, m) and not in_dateline(sentence, m)
    ]
    return places[0].key if places else None


def in_dateline(sentence: Sentence, mention: Found) -> bool:
    """Return whether a place is in the dateline the article was filed from ("ISTANBUL —", "BAKU, Sept 25 (AP) -")."""
    return sentence.dateline is not None and sentence.dateline.holds(mention.start, mention.end)


def named_in(agents: list[Found], spans: list[tuple[int, int]]) -> list[str]:
    """Return the keys of the agents named inside the character spans, in text order."""
    return unique([m.key for m in agents if any(s <= m.start and m.end <= e for s, e in spans)])


def place_in_phrases(sentence: Sentence, roles: Roles, within: int | None, trigger_end: int) -> str | None:
    """Return the literal place of the event's "in"/"at" phrases (close after the trigger if its kind says so)."""
    for mention in sentence.mentions:
        if mention.kind != "Place" or not mention.literal or in_dateline(sentence, mention):
            continue
        if within is not None and not 0 <= mention.start - trigger_end <= within:
            continue
        if any(s <= mention.start and mention.end <= e for s, e in roles.places):
            return mention.key
    return None


def sentence_evidence(sentence: Sentence) -> Span:
    return Span(sentence.start, sentence.end, sentence.text)


def unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))
