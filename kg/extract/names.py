"""Open-world names: people, organisations, places and agreements the trained pipeline's NER proposes.

The reference gazetteer links what it knows; it never decides what exists. A name the NER finds that no
reference mention covers becomes an entity of its own (no external link), typed from the NER label and the
name's head word ("... Ministry" is an organisation, "... Accords" an agreement). Proposals are filtered
before they are believed: a name must be a proper noun or an acronym, not a common word the article also
writes in lower case; a one-word name stands for an entity named in full elsewhere in the article (a
surname, "the Council", an acronym) or is dropped, unless it is an acronym of an organisation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from importlib import resources

from spacy.tokens import Doc
from spacy.tokens import Span as DocSpan

from kg.extract.model import Entity
from kg.ids import slugify

#: NER labels → entity kind proposed (refined by the head word).
NER_KINDS = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "LAW": "Agreement",
}
#: Head words that type a name by its last word, and honorifics (kg/extract/patterns/name_heads.json).
_HEADS = json.loads(resources.files("kg.extract").joinpath("patterns/name_heads.json").read_text(encoding="utf-8"))
ORGANIZATION_HEADS = frozenset(_HEADS["organization"])
AGREEMENT_HEADS = frozenset(_HEADS["agreement"])
#: "the BRICS Summit" names a gathering of BRICS, not an entity of its own.
GATHERING_HEADS = frozenset(_HEADS["gathering"])
HONORIFICS = frozenset(_HEADS["honorific"])
#: "Foreign Minister Murat Nurtleu": the proper nouns right after a title name a person, whatever the NER says.
PERSON_TITLES = frozenset(_HEADS["person_title"])
_TRIM_FRONT = {"the", "The"}
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
_BAD_CHARS = re.compile(r"[/@:#\d\n]|https?")


@dataclass(frozen=True)
class Proposal:
    """A name the NER found outside every reference mention, trimmed and typed."""

    start: int
    end: int
    text: str
    kind: str
    role: str | None = None  # the title written before a person's name ("Georgian Prime Minister")


def propose(doc: Doc, taken: list[tuple[int, int]]) -> list[Proposal]:
    """Return the NER names of `doc` that lie outside the `taken` character spans, trimmed and typed."""
    lowercase_words = {t.lower_ for t in doc if t.is_lower}
    out = []
    for ent in doc.ents:
        kind = NER_KINDS.get(ent.label_)
        if kind is None:
            continue
        span = _trim(_whole_or_outside(ent, kind, taken))
        if span is not None and span.root.lemma_.lower() not in ORGANIZATION_HEADS:
            span = _without_honorifics(span)  # "Datuk Seri Anwar Ibrahim", but not the "General Border Committee"
        if span is not None and kind == "Organization":
            span = _with_titled_tail(span)
        if span is not None and span[-1].lemma_.lower() in GATHERING_HEADS:
            span = _trim(span[:-1]) if len(span) > 1 else None
        if span is None or not _believable(span, lowercase_words):
            continue
        if kind == "Organization" and len(span) > 1 and span.root.lemma_.lower() in PERSON_TITLES:
            continue  # "the Head of Mission", "the Civilian Operation Commander": a title, not a body
        span = _with_state_before(span, taken)
        if kind == "Person":
            span = _with_hyphenated_end(span)
        kind = "Person" if _after_title(span) else _kind(span, kind)
        role = title_before(span) if kind == "Person" else None
        out.append(Proposal(span.start_char, span.end_char, span.text, kind, role))
    return out


def title_before(span: DocSpan) -> str | None:
    """Return the title the parse attaches right before a name ("Georgian Prime Minister" Irakli Kobakhidze)."""
    doc, start = span.doc, span.start
    while start > 0:
        token = doc[start - 1]
        attached = span.start <= token.head.i < span.end or start <= token.head.i < span.start
        if not (attached and token.dep_ in ("compound", "amod", "nmod") and token.pos_ in ("PROPN", "ADJ", "NOUN")):
            break
        start -= 1
    words = doc[start : span.start]
    if not any(t.lemma_.lower() in PERSON_TITLES for t in words):
        return None
    return words.text


def _after_title(span: DocSpan) -> bool:
    """Return whether two or three proper nouns follow a person's title ("President Gustavo Petro")."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    return (
        before is not None
        and before.lemma_.lower() in PERSON_TITLES
        and 2 <= len(span) <= 3
        and all(t.pos_ == "PROPN" for t in span)
        and span[-1].lemma_.lower() not in ORGANIZATION_HEADS
    )


def common_words(nlp) -> frozenset[str]:
    """Return the words the pipeline's lemmatizer tables know as English words (WordNet's index)."""
    if "lemmatizer" not in nlp.pipe_names or "lemma_index" not in nlp.get_pipe("lemmatizer").lookups.tables:
        return frozenset()
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(word for key in index for word in index[key])


def new_entities(
    proposals: list[Proposal], dictionary: frozenset[str] = frozenset()
) -> tuple[dict[str, Entity], list[tuple[Proposal, str]]]:
    """Group proposals into entities: full names first, then short forms (surnames, acronyms) that stand for them.

    `dictionary` holds common English words (lower case): a one-word organisation name standing for no longer
    name that is one of them ("State", "Embassy") is a common noun written with a capital, unless an acronym.

    Returns the new entities by key and a (proposal, key) pair for every mention kept.
    """
    entities: dict[str, Entity] = {}
    keys: dict[str, str] = {}  # a name as written (full or short) → key
    surnames = {p.text.split()[-1] for p in proposals if p.kind == "Person"}
    for p in proposals:
        words = p.text.split()
        if len(words) < 2 or p.text in keys:
            continue
        kind = "Person" if _looks_personal(words, surnames) else p.kind
        key = f"{_SEGMENTS[kind]}/{slugify(p.text)}"
        entities.setdefault(key, Entity(key, kind, p.text, in_reference=False, role=p.role))
        keys[p.text] = key
        if kind == "Person":
            keys.setdefault(words[-1], key)
        elif kind == "Organization":
            keys.setdefault(_initials(words), key)
            keys.setdefault(words[0] if "of" in words else words[-1], key)  # "the Council", "the Ministry"
    for long, short in _bracketed_acronyms(proposals):
        if long.text in keys and keys.setdefault(short.text, keys[long.text]) == keys[long.text]:
            entity = entities[keys[long.text]]
            entities[entity.key] = replace(entity, alt_labels=tuple(dict.fromkeys((*entity.alt_labels, short.text))))
    for text, kind in _single_word_kinds(proposals, keys, dictionary).items():
        key = f"{_SEGMENTS[kind]}/{slugify(text)}"
        entities.setdefault(key, Entity(key, kind, text, in_reference=False))
        keys[text] = key
    return entities, [(p, keys[p.text]) for p in proposals if p.text in keys]


def _bracketed_acronyms(proposals: list[Proposal]) -> list[tuple[Proposal, Proposal]]:
    """Return (name, acronym) pairs written "People's Democratic Party (HDP)"."""
    ordered = sorted(proposals, key=lambda p: p.start)
    return [
        (a, b)
        for a, b in zip(ordered, ordered[1:], strict=False)
        if _acronym(b.text) and " " in a.text and 1 <= b.start - a.end <= 3
    ]


def common_word(text: str, dictionary: frozenset[str]) -> bool:
    """Return whether a word is an English common noun, singular or plural ("State", "Commissions")."""
    word = text.lower()
    return word in dictionary or (word.endswith("s") and word[:-1] in dictionary)


def _single_word_kinds(proposals: list[Proposal], keys: dict[str, str], dictionary: frozenset[str]) -> dict[str, str]:
    """Type each one-word name that stands for no longer one: a place if the NER ever calls it one, else an
    organisation; a one-word person is only ever a surname of a full name."""
    kinds: dict[str, set[str]] = {}
    for p in proposals:
        if " " not in p.text and p.text not in keys:
            kinds.setdefault(p.text, set()).add(p.kind)
    out = {}
    for text, proposed in kinds.items():
        if "Place" in proposed:
            out[text] = "Place"
        elif "Organization" in proposed and (_acronym(text) or not common_word(text, dictionary)):
            out[text] = "Organization"
    return out


_SEGMENTS = {
    "Person": "person",
    "Organization": "organization",
    "Place": "place",
    "Agreement": "agreement",
}


def _whole_or_outside(ent: DocSpan, kind: str, taken: list[tuple[int, int]]) -> DocSpan | None:
    """Return an organisation's whole name around the known names in it ("Turkish Foreign Ministry"), else the
    longest run of the name outside every known mention."""
    free = [t for t in ent if not _overlaps(t, taken)]
    proper = any(t.pos_ == "PROPN" and t.is_alpha and t.text[:1].isupper() for t in free)
    if kind == "Organization" and proper and len(free) < len(ent) and ent[-1].lemma_.lower() in ORGANIZATION_HEADS:
        return ent
    return _outside(ent, taken)


def _overlaps(token, taken: list[tuple[int, int]]) -> bool:
    return any(s < token.idx + len(token) and token.idx < e for s, e in taken)


def _without_honorifics(span: DocSpan) -> DocSpan | None:
    """Drop forms of address before a person's name ("Datuk Seri Anwar Ibrahim" → "Anwar Ibrahim")."""
    start = span.start
    while start < span.end - 1 and span.doc[start].lower_.rstrip(".") in HONORIFICS:
        start += 1
    return span.doc[start : span.end]


def _outside(ent: DocSpan, taken: list[tuple[int, int]]) -> DocSpan | None:
    """Return the longest run of `ent`'s tokens that no taken span overlaps."""
    free = [t for t in ent if not _overlaps(t, taken)]
    if not free:
        return None
    runs, run = [], [free[0]]
    for token in free[1:]:
        if token.i == run[-1].i + 1:
            run.append(token)
        else:
            runs.append(run)
            run = [token]
    runs.append(run)
    best = max(runs, key=len)
    return ent.doc[best[0].i : best[-1].i + 1]


def _trim(span: DocSpan | None) -> DocSpan | None:
    """Drop a leading article, punctuation at either end, a trailing possessive and an unclosed bracket."""
    if span is None:
        return None
    doc, start, end = span.doc, span.start, span.end
    for i in range(start, end):
        if doc[i].text in "([":
            end = i
            break
    while start < end and (doc[start].text in _TRIM_FRONT or not doc[start].is_alpha or doc[start].tag_ == "POS"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].tag_ == "POS"):
        end -= 1
    if start >= end:
        return None
    trimmed = doc[start:end]
    text = _POSSESSIVE.sub("", trimmed.text)
    if text != trimmed.text:
        return doc.char_span(trimmed.start_char, trimmed.start_char + len(text), alignment_mode="contract")
    return trimmed


def _believable(span: DocSpan, lowercase_words: set[str]) -> bool:
    """Return whether a proposed name looks like a name: capitalised, proper nouns, no URL or digits."""
    text = span.text
    if not text[:1].isupper() or _BAD_CHARS.search(text) or len(text) < 2:
        return False
    if len(span) == 1:
        token = span[0]
        return _acronym(text) or (token.pos_ == "PROPN" and token.lower_ not in lowercase_words)
    return any(t.pos_ == "PROPN" for t in span) and not all(t.lower_ in lowercase_words for t in span)


def _kind(span: DocSpan, proposed: str) -> str:
    """Refine the NER kind by the name's head word ("Council of the European Union": council)."""
    heads = {span.root.lemma_.lower(), span[-1].lemma_.lower()}
    if heads & AGREEMENT_HEADS and span[-1].text[:1].isupper() and len(span) > 1:
        return "Agreement"
    if heads & ORGANIZATION_HEADS and proposed != "Agreement":
        return "Organization"
    return proposed


#: Words that join the capitalised parts of a body's long name ("Commission on … of the … between … and …").
_NAME_JOINERS = frozenset({"of", "on", "for", "between", "and", "the", ",", "&"})


def _with_titled_tail(span: DocSpan) -> DocSpan:
    """Extend a body's name over the capitalised phrases the parse attaches to it ("the Commission on
    Delimitation and Border Security" + "of the State Border between Armenia and Azerbaijan", and "between"
    two names wherever the parse puts it). The name ends at its last capitalised word; at "and the", which
    begins the next name; and before another body ("the Eastern European Group" of "the Committee …")."""
    if span.root.lemma_.lower() not in ORGANIZATION_HEADS:
        return span
    doc, end, i = span.doc, span.end, span.end
    inside = set(range(span.start, span.end))
    while i < len(doc) and doc[i].sent == span.sent:
        token = doc[i]
        if token.lower_ in _NAME_JOINERS:
            if token.lower_ == "the" and doc[i - 1].lower_ == "and":
                break
            i += 1
            continue
        attached = any(a.i in inside for a in token.ancestors) or doc[end].lower_ == "between"
        if not (token.is_alpha and token.text[:1].isupper() and attached):
            break
        if token.lemma_.lower() in ORGANIZATION_HEADS:
            break
        inside.update(range(end, i + 1))
        end = i = i + 1
    return doc[span.start : end]


def _with_hyphenated_end(span: DocSpan) -> DocSpan:
    """Extend a name over a hyphenated last part the tokenizer split off ("Moon Jae" + "-in")."""
    doc, end = span.doc, span.end
    joined = end + 1 < len(doc) and doc[end].text == "-" and not span[-1].whitespace_ and not doc[end].whitespace_
    return doc[span.start : end + 2] if joined and doc[end + 1].is_alpha else span


def _with_state_before(span: DocSpan, taken: list[tuple[int, int]]) -> DocSpan:
    """Extend an organisation's name over the state named right before it ("Armenian" + "Foreign Ministry")."""
    if span.start == 0 or span.root.lemma_.lower() not in ORGANIZATION_HEADS:
        return span
    before = span.doc[span.start - 1]
    if before.pos_ in ("ADJ", "PROPN") and _overlaps(before, taken) and before.text[:1].isupper():
        return span.doc[before.i : span.end]
    return span


def _acronym(text: str) -> bool:
    letters = text.replace(".", "").replace("-", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _looks_personal(words: list[str], surnames: set[str]) -> bool:
    """Return whether a non-person proposal of two or three words ends in a surname the article gives a person."""
    return 2 <= len(words) <= 3 and words[-1] in surnames and words[-1].lower() not in ORGANIZATION_HEADS


def _initials(words: list[str]) -> str:
    """Return the initials of a name's capitalised words ("European Union Mission in Armenia" → EUMA)."""
    return "".join(w[0] for w in words if w[:1].isupper())
