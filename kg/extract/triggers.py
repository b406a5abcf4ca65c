"""Event triggers: spaCy `Matcher` patterns by lemma, one labelled set per event kind, loaded from data.

`patterns/events.jsonl` holds one pattern a line: `{"label": <event class or HAPPENING>, "pattern": [...],
"weak": true?}`. Lemmas match whatever the case of the word ("Summit" in a headline); a weak pattern
("talks") reports an event only in a sentence that also has a verb of happening (label HAPPENING: "held",
"met"). Matches of one kind that overlap keep the longest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.util import filter_spans

from kg.extract.kinds import KINDS

PATTERNS_FILE = "patterns/events.jsonl"
HAPPENING = "HAPPENING"
if not Token.has_extension("lemma_lower"):
    Token.set_extension("lemma_lower", getter=lambda token: token.lemma_.lower())


@dataclass(frozen=True)
class Trigger:
    """Words of a sentence that report an event of one kind."""

    kind: str
    start: int  # character offsets into the document
    end: int
    text: str


def load_patterns() -> list[dict]:
    """Return the trigger patterns of the data file, each checked to name a known label."""
    text = resources.files("kg.extract").joinpath(PATTERNS_FILE).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    for number, row in enumerate(rows, 1):
        if row["label"] not in KINDS and row["label"] != HAPPENING:
            raise ValueError(f"{PATTERNS_FILE}:{number}: unknown event kind {row['label']!r}")
    return rows


class TriggerMatcher:
    """Find the event triggers of a parsed document."""

    def __init__(self, vocab):
        self.matcher = Matcher(vocab)
        for row in load_patterns():
            label = f"{row['label']}:weak" if row.get("weak") else row["label"]
            self.matcher.add(label, [[_case_free(token) for token in row["pattern"]]])

    def __call__(self, doc: Doc) -> list[Trigger]:
        """Return the triggers of `doc` in text order; weak ones only where a verb of happening shares the sentence."""
        by_label: dict[str, list] = {}
        for match_id, start, end in self.matcher(doc):
            by_label.setdefault(doc.vocab.strings[match_id], []).append(doc[start:end])
        happening = {span.sent.start for span in by_label.pop(HAPPENING, [])}
        out = []
        for label, spans in by_label.items():
            kind, _, weak = label.partition(":")
            for span in filter_spans(spans):
                if weak and span.sent.start not in happening:
                    continue
                out.append(Trigger(kind, span.start_char, span.end_char, span.text))
        return sorted(out, key=lambda t: (t.start, t.end))


def _case_free(token: dict) -> dict:
    """Match a LEMMA constraint on the lower-cased lemma, so a capitalised word ("Summit") matches too."""
    if "LEMMA" not in token:
        return token
    out = {k: v for k, v in token.items() if k != "LEMMA"}
    lemma = token["LEMMA"]
    value = {"IN": [w.lower() for w in lemma["IN"]]} if isinstance(lemma, dict) else lemma.lower()
    out["_"] = {"lemma_lower": value}
    return out
