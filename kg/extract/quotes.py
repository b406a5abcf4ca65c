"""Direct quotations and who said them.

A quotation is the text between “…” or "…" marks; a quotation left open at the end of a paragraph
continues in the next paragraph if that one opens with a quotation mark (news style for long quotes).
Scare quotes (three words or fewer) are not quotations. The speaker is found, in this order: a speech
verb after the quotation ("…," he said / "…," said Fidan), a speech verb before it in the same
sentence (Fidan said: "…"), or, for a paragraph that is only a quotation, the last speaker. "He" and
"she" are the last named speaker before the quotation, else the last person named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.model import Event, Quote, Span
from kg.extract.sentences import Sentence
from kg.extract.story import SPEECH_VERBS, last_person, speaker_near

_PAIRS = re.compile(r"“([^”“]*)”|\"([^\"\n]*)\"")
_OPEN_AT_END = re.compile(r"[“\"]([^”“\"]*)$")
_AFTER = re.compile(r"^[\s,]*(?:[^.“\"\n]{0,70}?)(?P<verb>" + SPEECH_VERBS.pattern[2:-2] + r")\b")
_SAID_AT = {
    "PressConference": re.compile(r"\b(?:at|during) (?:a|the) (?:joint )?(?:news|press) (?:conference|briefing)"),
    "Meeting": re.compile(r"\b(?:at|during|after) (?:a|the|their) (?:\w+ )?meeting\b"),
    "Talks": re.compile(r"\b(?:at|during|after) (?:the|their) talks\b"),
    "Summit": re.compile(r"\b(?:at|during) (?:a|the) (?:\w+ )?summit\b"),
    "Visit": re.compile(r"\bduring (?:a|the|his|her) (?:\w+ )?visit\b"),
}
MIN_WORDS = 4


@dataclass(frozen=True)
class QuoteRegion:
    """The marks and inner parts of one quotation (several parts when it runs over paragraphs)."""

    start: int  # the opening mark
    end: int  # just after the closing mark (or the end of the last part)
    parts: tuple[tuple[int, int], ...]

    def inner(self, text: str) -> str:
        """Return the words inside the marks, parts joined by a space."""
        return " ".join(text[s:e].strip() for s, e in self.parts).rstrip(", ").strip()


def find_quote_regions(text: str) -> list[QuoteRegion]:
    """Return every quotation of `text`, multi-paragraph ones joined."""
    regions: list[QuoteRegion] = []
    offset = 0
    pending: list[tuple[int, int]] = []
    pending_start = 0
    for line in text.split("\n"):
        body = line.strip()
        if not body:
            offset += len(line) + 1
            continue
        if pending and not body.startswith(("“", '"')):
            regions.append(QuoteRegion(pending_start, pending[-1][1], tuple(pending)))
            pending = []
        taken_to = 0
        for match in _PAIRS.finditer(line):
            group = 1 if match.group(1) is not None else 2
            s, e = match.span(group)
            if pending and match.start() == len(line) - len(line.lstrip()):
                regions.append(QuoteRegion(pending_start, offset + match.end(), (*pending, (offset + s, offset + e))))
                pending = []
            else:
                regions.append(QuoteRegion(offset + match.start(), offset + match.end(), ((offset + s, offset + e),)))
            taken_to = match.end()
        opened = _OPEN_AT_END.search(line, taken_to)
        if opened:
            if not pending:
                pending_start = offset + opened.start()
            pending.append((offset + opened.start(1), offset + len(line)))
        offset += len(line) + 1
    if pending:
        regions.append(QuoteRegion(pending_start, pending[-1][1], tuple(pending)))
    return sorted(regions, key=lambda r: r.start)


def mask_quotes(text: str, regions: list[QuoteRegion]) -> str:
    """Return `text` with every quotation (marks included) blanked out, offsets unchanged."""
    chars = list(text)
    for region in regions:
        for i in range(region.start, min(region.end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


class QuoteFinder:
    """Attribute the quotations of an article to speakers and, where said, to the event they were said at.

    `groups(sentence, before, at, persons)` resolves a plural subject ("the envoys", "both") to its members.
    """

    def __init__(self, groups=None):
        self.groups = groups or (lambda sentence, before, at, persons: [])

    def __call__(self, text: str, regions: list[QuoteRegion], sentences: list[Sentence], events: list[Event]):
        """Return the article's quotes."""
        quotes = []
        speech_acts = _speech_acts(sentences)
        for region in regions:
            short = len(region.inner(text).split()) < MIN_WORDS
            first = _sentence_at(sentences, region.start)
            last = _sentence_at(sentences, max(region.start, region.end - 1))
            if first is None or last is None:
                continue
            speakers, verb_sentence, verb_at = self._speaker(text, region, sentences, first, last, speech_acts, short)
            if not speakers or (short and (verb_sentence not in (first, last) or verb_at == region.start)):
                continue  # scare quotes: a few words with no one saying them
            speaker, co_speakers = speakers[0], speakers[1:]
            end = sentences[max(last, verb_sentence)].end
            for part_start, part_end in region.parts:
                start = min(sentences[_sentence_at(sentences, part_start) or first].start, part_start)
                words = text[part_start:part_end].strip().rstrip(",").strip()
                quote = Quote(
                    speaker=speaker, text=words, evidence=Span(start, end, text[start:end]), co_speakers=co_speakers
                )
                quote.said_at = _said_at(sentences[verb_sentence], verb_at, events)
                quotes.append(quote)
            speech_acts.append((region.start, speaker))
            speech_acts.sort()
        return quotes

    def _speaker(self, text, region, sentences, first, last, speech_acts, strict=False):
        closing = sentences[last]
        tail = text[region.end : closing.end]
        after = _AFTER.match(tail)
        if after:
            verb_at = region.end + after.start("verb")
            return self._who(closing, sentences[:last], verb_at, speech_acts, strict), last, verb_at
        opening = sentences[first]
        head = opening.masked[: region.start - opening.start]
        verbs = list(SPEECH_VERBS.finditer(head))
        if verbs:
            verb_at = opening.start + verbs[-1].start()
            return self._who(opening, sentences[:first], verb_at, speech_acts, strict), first, verb_at
        if SPEECH_VERBS.match(text, region.start + 1):
            # The envoys have “confirmed that …”: the quotation holds the verb, the subject before it speaks
            group = self.groups(opening, sentences[:first], region.start, True)
            return group, first, region.start + 1
        if not head.strip():
            return _listed(_last_speaker(speech_acts, region.start)), first, region.start
        return [], first, region.start

    def _who(self, sentence, before, verb_at, speech_acts, strict=False) -> list[str]:
        speakers = speaker_near(sentence, verb_at, before)
        pronoun = re.search(r"\b(?:he|she)\s*$", sentence.text[: verb_at - sentence.start][-20:], re.I)
        if not speakers and not pronoun:
            speakers = self.groups(sentence, before, verb_at, True)  # "what both hailed as “…”"
            if speakers:
                return speakers
        if strict and not pronoun:
            return speakers[:1]
        if pronoun or not speakers:
            named = _last_speaker(speech_acts, verb_at)
            if named:
                return [named]
        if speakers:
            return speakers[:1]
        return last_person(sentence, before, verb_at)[:1]


def _speech_acts(sentences: list[Sentence]) -> list[tuple[int, str]]:
    """Return (offset, speaker) of every speech verb whose speaker is named (not a pronoun)."""
    acts = []
    for index, sentence in enumerate(sentences):
        for verb in SPEECH_VERBS.finditer(sentence.masked):
            at = sentence.start + verb.start()
            if re.search(r"\b(?:he|she)\s*$", sentence.text[: verb.start()][-20:], re.I):
                continue
            speakers = [k for k in speaker_near(sentence, at, sentences[:index]) if k.startswith("person/")]
            if speakers:
                acts.append((at, speakers[0]))
    return acts


def _listed(key: str | None) -> list[str]:
    return [key] if key else []


def _last_speaker(acts: list[tuple[int, str]], before: int) -> str | None:
    earlier = [speaker for at, speaker in acts if at < before]
    return earlier[-1] if earlier else None


def _sentence_at(sentences: list[Sentence], offset: int) -> int | None:
    for index, sentence in enumerate(sentences):
        if sentence.start <= offset < sentence.end:
            return index
    return None


def _said_at(sentence: Sentence, verb_at: int, events: list[Event]) -> int | None:
    tail = sentence.text[verb_at - sentence.start :]
    for kind, pattern in _SAID_AT.items():
        if pattern.search(tail):
            for index, event in enumerate(events):
                if event.kind == kind and event.evidence.start <= verb_at < event.evidence.end:
                    return index
    return None
