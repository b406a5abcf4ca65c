"""Event triggers: spaCy `Matcher` patterns by lemma, one labelled set per event kind, loaded from data.

`patterns/events.jsonl` holds one pattern a line: `{"label": <event class or HAPPENING>, "pattern": [...],
"weak": true?, "dependency": true?}`. A pattern is a `Matcher` token sequence, or with `"dependency": true` a
`DependencyMatcher` tree whose first node (the anchor, a verb) is the trigger ("the border between Colombia and
Venezuela was reopened": reopen ← nsubjpass border). Lemmas match whatever the case of the word ("Summit" in a
headline); a weak pattern ("talks") reports an event only in a sentence that also has a verb of happening
(label HAPPENING: "held", "met"). Matches of one kind that overlap keep the longest.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.extract.kinds import KINDS
from kg.extract.pipeline import lemma_as_norm, lemma_as_norm_node, read_pattern_rows, sentences_of

PATTERNS_FILE = "patterns/events.jsonl"
HAPPENING = "HAPPENING"


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
    return parse_patterns(text, PATTERNS_FILE)


def parse_patterns(text: str, source: str) -> list[dict]:
    """Return the trigger patterns of a JSON-lines text; a bad line raises ConfigError naming `source` and its line."""
    return read_pattern_rows(text, source, {*KINDS, HAPPENING})


class TriggerMatcher:
    """Find the event triggers of a parsed document."""

    def __init__(self, vocab):
        self.matcher = Matcher(vocab)
        self.dependency = DependencyMatcher(vocab)
        for row in load_patterns():
            label = f"{row['label']}:weak" if row.get("weak") else row["label"]
            if row.get("dependency"):
                self.dependency.add(label, [[lemma_as_norm_node(node) for node in row["pattern"]]])
            else:
                self.matcher.add(label, [[lemma_as_norm(token) for token in row["pattern"]]])

    def __call__(self, doc: Doc) -> list[Trigger]:
        """Return the triggers of `doc` in text order; weak ones only where a verb of happening shares the sentence."""
        by_label: dict[str, list] = {}
        for match_id, start, end in self.matcher(doc):
            by_label.setdefault(doc.vocab.strings[match_id], []).append(doc[start:end])
        for match_id, token_ids in self.dependency(doc):  # the words from the first matched node to the last
            by_label.setdefault(doc.vocab.strings[match_id], []).append(doc[min(token_ids) : max(token_ids) + 1])
        sentence_of = _sentence_starts(doc)
        happening = {sentence_of[span.start] for span in by_label.pop(HAPPENING, [])}
        by_kind: dict[str, list] = {}  # a weak match inside a strong one of its kind ("held talks") is one trigger
        for label, spans in by_label.items():
            kind, _, weak = label.partition(":")
            by_kind.setdefault(kind, []).extend(s for s in spans if not weak or sentence_of[s.start] in happening)
        out = [
            Trigger(k, s.start_char, s.end_char, s.text) for k, spans in by_kind.items() for s in filter_spans(spans)
        ]
        return sorted(_without_generic_overlaps(out), key=lambda t: (t.start, t.end))


def _without_generic_overlaps(triggers: list[Trigger]) -> list[Trigger]:
    """Keep the longer of two triggers of different kinds on the same words ("launching diplomatic ties" over
    "launching", "declared independence" over "declared"); a generic happening gives way on equal length."""

    def rank(t: Trigger) -> tuple[int, int]:
        return t.end - t.start, 0 if KINDS[t.kind].several_per_sentence else 1

    return [
        t
        for t in triggers
        if not any(o.kind != t.kind and o.start < t.end and t.start < o.end and rank(o) > rank(t) for o in triggers)
    ]


def _sentence_starts(doc: Doc) -> list[int]:
    """Return, for every token, where its sentence starts (`span.sent` walks the document on every call)."""
    starts = [0] * len(doc)
    for sentence in sentences_of(doc):
        for i in range(sentence.start, sentence.end):
            starts[i] = sentence.start
    return starts
