"""Direct quotations in a parsed article and who said them.

Marks: straight ("…"), curly (“…”, ‘…’), mixed (either kind on either side, “…“ included), low-9 („…“) and angle
(«…», »…«, ‹…›) quotation marks. Whether a mark opens or closes is read from the characters around it. A
quotation left open at the end of a paragraph continues in the next one when that paragraph opens with a mark or
closes one that nothing opened; a closing mark that nothing opened starts its quotation at the paragraph's start.

Frames: the speech verb (patterns/speech.jsonl, by lemma) whose clause holds the quotation ("…," Fidan said /
said Fidan / Fidan said: "…" / he said it was "…" / the region, he said, has "…" / he called it "…"), else a
speech verb just after or just before the marks, or a headline's "Name: “…”". A paragraph that opens with a
quotation and has no frame of its own takes the frame of the paragraph before: one ending in a colon, else the
speaker that paragraph quoted or named last. Quotations of three words or fewer count only inside a frame of their
own sentence (scare quotes are not quotations), names in marks (verbless, capitalised) never count, and a
quotation nobody frames is left out. An embedded post (a paragraph above "— Name (@handle) date") is its account
holder's.

Speakers: the subject of the frame with its coordinated subjects and appositions, the agent of a passive frame
("coined by …"), the object of "according to", the one "quoted as saying"; "he"/"she" is the last person who was
the subject of a sentence or of a speech verb; "it" and documents ("the statement said") are their issuer, else
the issuer of the last document, else the last organisation or state that was a subject; group words ("the two
leaders", "both", "the countries") are the people the article describes with that noun, else the agents last
named together; a definite noun ("the ministry") is the last agent named with that word. A state or body that
only qualifies the subject ("Armenia's foreign ministry") is not the speaker, and a subject the article has not
named gives no quote.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.entities import Found
from kg.extract.model import Event, Quote, Span
from kg.extract.pipeline import lemma_as_norm, read_pattern_rows, sentences_of, text_of
from kg.reference import fold

SPEECH_FILE = "patterns/speech.jsonl"
SHORT_WORDS = 3  # a quotation of this many words or fewer needs a frame of its own sentence

_DOUBLE = '"“”„‟'
_ANGLE = {"«": "»", "»": "«", "‹": "›", "›": "‹"}
_MARKS = frozenset(_DOUBLE) | frozenset(_ANGLE)
_SINGLE = "‘’"  # single curly marks: a quotation only from an opening ‘ to a closing ’ (’ is also the apostrophe)
_BEFORE_OPENING = "([{—–-/:"
_AFTER_CLOSING = ".,;:!?)]}—–-…'’"
_SENTENCE_END = frozenset(".!?")
# Links a short quotation may climb through on its way up to the verb that frames it: clauses and their
# arguments, never a noun's own modifier clause ("the deal, named the “Abraham Accord”").
_CLAUSAL = frozenset(
    [
        "ccomp",
        "xcomp",
        "conj",
        "advcl",
        "parataxis",
        "pobj",
        "prep",
        "dobj",
        "oprd",
        "attr",
        "acomp",
        "nsubj",
        "nsubjpass",
        "dative",
        "pcomp",
    ]
)
_SIDE_FRAMES = frozenset(("parataxis", "advcl", "acl", "ccomp"))  # "The region, he said, has “…”"
_AT_EVENT = frozenset(("at", "during", "after", "on", "following"))
_PERSON_PRONOUNS = frozenset(("he", "she", "him", "her"))
_CLIMB = frozenset(("xcomp", "conj", "advcl", "acl", "relcl", "pcomp", "prep"))  # from a speech verb to its speaker
# The line an embedded social-media post ends with: "— Name (@handle) February 11, 2023".
_SIGNATURE = re.compile(r"^[ \t]*[—–][ \t]*(?P<name>[^\n(]+?)[ \t]*\(@\w+\)[^\n]*\b\d{4}[ \t]*$", re.M)


@dataclass(frozen=True)
class QuoteRegion:
    """The marks and inner parts of one quotation (one part per paragraph it runs over)."""

    start: int  # the opening mark, or the paragraph start when the opening mark is missing
    end: int  # just after the closing mark, or the end of the last part
    parts: tuple[tuple[int, int], ...]

    def inner(self, text: str) -> str:
        """Return the words inside the marks, parts joined by a space."""
        return " ".join(_clean(text[s:e]) for s, e in self.parts).strip()

    def is_short(self, text: str) -> bool:
        """Return whether the quotation has too few words to count without a frame of its own."""
        return len(self.inner(text).split()) <= SHORT_WORDS


def quote_regions(text: str) -> list[QuoteRegion]:
    """Return every quotation of `text` in text order, those running over paragraphs joined."""
    regions: list[QuoteRegion] = []
    carried = None  # (start, parts) of a quotation left open at the end of the paragraph before
    for offset, line in _paragraphs(text):
        marks = [(i, c) for i, c in enumerate(line) if c in _MARKS or c in _SINGLE]
        if carried and not _continues(line, [(i, c) for i, c in marks if c in _MARKS]):
            regions.append(QuoteRegion(carried[0], carried[1][-1][1], carried[1]))
            carried = None
        carried = _scan_paragraph(offset, line, marks, carried, regions)
    if carried:
        regions.append(QuoteRegion(carried[0], carried[1][-1][1], carried[1]))
    return regions


def _scan_paragraph(offset, line, marks, carried, regions) -> tuple[int, tuple] | None:
    """Add the quotations closed in one paragraph to `regions`; return the one left open, if any."""
    opened = None  # (offset of the opening mark, the mark, region start, earlier parts)
    first = next((i for i, mark in marks if mark in _MARKS), None)
    for i, mark in marks:
        role = _role(line, i)
        if mark in _SINGLE and not _single_fits(mark, role, opened):
            continue
        if opened is None and role == "close" and i != first:
            continue  # a stray closing mark after a quotation of this paragraph (an inch mark, a typo)
        if opened is None and role == "close" and mark not in "«‹„":
            start, parts = carried if carried else (offset, ())
            regions.append(QuoteRegion(start, offset + i + 1, (*parts, (offset, offset + i))))
            carried = None
        elif opened is None:
            start, parts = carried if carried and not line[:i].strip() else (offset + i, ())
            opened, carried = (offset + i, mark, start, parts), None
        elif _closes(opened[1], mark) and role != "open":
            at, _, start, parts = opened
            regions.append(QuoteRegion(start, offset + i + 1, (*parts, (at + 1, offset + i))))
            opened = None
    if opened is None:
        return None
    at, _, start, parts = opened
    return start, (*parts, (at + 1, offset + len(line.rstrip())))


def _paragraphs(text: str):
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def _continues(line: str, marks: list[tuple[int, str]]) -> bool:
    """Return whether a paragraph goes on with the quotation the one before left open."""
    if not marks:
        return False
    i, _ = marks[0]
    return (not line[:i].strip() and _role(line, i) != "close") or _role(line, i) == "close"


def _role(line: str, i: int) -> str:
    """Return "open", "close" or "either" for the mark at `i`, from the characters around it."""
    if line[i] == "„":
        return "open"
    before = line[i - 1] if i else " "
    after = line[i + 1] if i + 1 < len(line) else " "
    opens = (before.isspace() or before in _BEFORE_OPENING or before in _MARKS) and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in _AFTER_CLOSING or after in _MARKS)
    if opens != closes:
        return "open" if opens else "close"
    return "either"


def _single_fits(mark: str, role: str, opened) -> bool:
    """Return whether a single curly mark opens or closes a quotation here (never inside a double one)."""
    if opened is None:
        return mark == "‘" and role == "open"
    return opened[1] == "‘" and mark == "’" and role == "close"


def _closes(opening: str, mark: str) -> bool:
    if opening == "‘":
        return mark == "’"
    if opening in _ANGLE:
        return mark == _ANGLE[opening]
    return mark in _DOUBLE and mark != "„"


def mask_quotes(text: str, regions: list[QuoteRegion]) -> str:
    """Return `text` with every region (marks included) blanked out, offsets unchanged."""
    chars = list(text)
    for region in regions:
        for i in range(region.start, min(region.end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


# --- speech patterns -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def speech_patterns() -> tuple[dict, ...]:
    """Return the rows of patterns/speech.jsonl: speech, naming and quoting verbs, documents and group nouns."""
    text = resources.files("kg.extract").joinpath(SPEECH_FILE).read_text(encoding="utf-8")
    return tuple(read_pattern_rows(text, SPEECH_FILE))


@lru_cache(maxsize=4)
def speech_matcher(vocab: Vocab) -> Matcher:
    """Return a Matcher of the speech patterns, comparing LEMMA values with the lower-cased lemma (NORM)."""
    matcher = Matcher(vocab)
    for row in speech_patterns():
        pattern = [lemma_as_norm(token) for token in row["pattern"]]
        matcher.add(row["label"], [pattern])
    return matcher


# --- the article being read ---------------------------------------------------------------------------------------


@dataclass
class _Reading:
    """What one article's quotations are resolved against; built per article, kept nowhere."""

    doc: Doc
    labels: dict[int, str]  # token index -> SPEECH, NAMING, QUOTING, DOCUMENT, PEOPLE or STATES
    mention_at: dict[int, Found]  # token index -> the agent mention covering it
    quoted: set[int]  # token indices inside quotations
    starts: list[int]  # character offset of each token
    sources: dict[int, int]  # frame token -> the preposition its pattern ends with ("according to"): its object speaks
    subject_people: list[tuple[int, str | None]] = field(default_factory=list)  # (offset, person or None: unknown)
    authors: list[tuple[int, list[str]]] = field(default_factory=list)  # (offset, who) of documents
    bodies: list[tuple[int, list[str]]] = field(default_factory=list)  # (offset, who) of bodies and states as subjects
    spoken: list[tuple[int, list[str]]] = field(default_factory=list)  # (offset, speakers) of attributed quotes


def find_quotes(doc: Doc, mentions: list[Found], events: list[Event]) -> list[Quote]:
    """Return the quotations of a parsed article with their speakers and the events they were said at."""
    text = text_of(doc)
    regions = quote_regions(text)
    reading = _read(doc, mentions, regions)
    quotes: list[Quote] = []
    for region in regions:
        frame = _frame(region, reading)
        if frame is None:
            continue
        verb, speakers = frame
        if not speakers:
            continue
        reading.spoken += [(start, speakers) for start, _ in region.parts]
        said_at = _said_at(verb, events) if verb is not None else None
        quotes += _quotes(region, verb, speakers, said_at, doc)
    return sorted(quotes + _posts(text, mentions, regions), key=lambda q: q.evidence.start)


def _posts(text: str, mentions: list[Found], regions: list[QuoteRegion]) -> list[Quote]:
    """Return the embedded posts: the paragraph above a signature line, said by the account holder it names."""
    quotes = []
    for signature in _SIGNATURE.finditer(text):
        post = _previous_paragraph(text, signature.start())
        if post is None or _SIGNATURE.match(text, post[0]) or _overlaps(post, regions):
            continue
        speaker = _account_holder(text, signature, mentions)
        start, end = _trimmed(text, *post)
        if speaker and start < end:
            evidence = Span(start, signature.end(), text[start : signature.end()])
            quotes.append(Quote(speaker, text[start:end], evidence))
    return quotes


def _overlaps(paragraph: tuple[int, int], regions: list[QuoteRegion]) -> bool:
    return any(r.start < paragraph[1] and paragraph[0] < r.end for r in regions)


def _account_holder(text: str, signature: re.Match, mentions: list[Found]) -> str | None:
    """Return the person a signature names: a mention on the line, else an earlier person of that surname."""
    start, end = signature.span("name")
    on_line = [m for m in mentions if m.is_agent and start <= m.start < end]
    if on_line:
        return on_line[0].key
    surname = _folded_words(signature.group("name"))[-1:]
    for mention in reversed([m for m in mentions if m.kind == "Person" and m.start < start]):
        if _folded_words(text[mention.start : mention.end])[-1:] == surname:
            return mention.key
    return None


def _folded_words(name: str) -> list[str]:
    return fold(name).casefold().split()


def _read(doc: Doc, mentions: list[Found], regions: list[QuoteRegion]) -> _Reading:
    labels, sources = {}, {}
    for match_id, start, end in speech_matcher(doc.vocab)(doc):
        labels.setdefault(start, doc.vocab.strings[match_id])
        if end - start > 1 and doc[end - 1].dep_ == "prep":
            sources[start] = end - 1
    mention_at = {}
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and mention.is_agent:
            for token in span:
                mention_at.setdefault(token.i, mention)
    quoted = set()
    for region in regions:
        for start, end in region.parts:
            span = doc.char_span(start, end, alignment_mode="contract")
            quoted.update(t.i for t in span or ())
    reading = _Reading(doc, labels, mention_at, quoted, [t.idx for t in doc], sources)
    _remember_subjects(reading)
    return reading


def _remember_subjects(reading: _Reading) -> None:
    """Note every named person who is a subject, and every document's author or body that is a subject."""
    for token in reading.doc:
        if token.i in reading.quoted:
            continue
        if token.dep_ in ("nsubj", "nsubjpass") and _main_clause(token.head, reading):
            named = _named_one(token, reading)
            if named and named.kind == "Person":
                reading.subject_people.append((token.idx, named.key))
            elif named is None and _personal(token, reading):
                reading.subject_people.append((token.idx, None))  # a person nobody knows: "he" is not an earlier one
            elif named:
                reading.bodies.append((token.idx, [named.key]))
        if reading.labels.get(token.i) == "DOCUMENT":
            author = _author(token, reading)
            if author or _issuers(token):
                reading.authors.append((token.idx, author))  # empty: issued by someone the article does not name


def _main_clause(verb: Token, reading: _Reading) -> bool:
    """Return whether a verb heads its sentence or speaks: "he" looks back to those subjects, not to one reported
    inside ("Maduro tweeted that Caracas and Valencia will be connected")."""
    if verb.dep_ == "conj":
        verb = verb.head
    return verb.dep_ == "ROOT" or reading.labels.get(verb.i) == "SPEECH"


def _personal(subject: Token, reading: _Reading) -> bool:
    """Return whether an unresolved subject is a person ("Foreign Secretary Vikram Misri", "the spokesman")."""
    singular = subject.tag_ in ("NN", "NNP")
    return singular and (subject.ent_type_ == "PERSON" or reading.labels.get(subject.i) == "PEOPLE")


# --- frames ---------------------------------------------------------------------------------------------------------


def _frame(region: QuoteRegion, reading: _Reading) -> tuple[Token | None, list[str]] | None:
    """Return the speech verb framing a quotation and its speakers, or None if nothing frames it."""
    text = text_of(reading.doc)
    inner = [t for t in _tokens(reading, region.start, region.end) if t.i in reading.quoted]
    if not inner or _is_name(inner):
        return None
    short = region.is_short(text)
    verb = _naming_before(region.start, reading) if short else None
    verb = verb or _framing_verb(inner, reading, short)
    if verb is None and (not short or _opens_sentence(inner[0])):
        verb = _verb_after(region.end, reading)
    if verb is None and not short:
        verb = _verb_before(region.start, reading)
    if verb is not None:
        return verb, _speakers(verb, reading)
    begin = _paragraph_start(text, region.start)
    lead = [t for t in _tokens(reading, begin, region.start) if not t.is_space]
    if not lead:
        return None if short else _paragraph_frame(region.start, reading)
    if not short and _opens_sentence(inner[0]):
        return _name_and_colon(lead, reading) or _last_speaker(begin, region.start, reading)  # “…,” he said. “…”
    return _name_and_colon(lead, reading)


def _is_name(inner: list[Token]) -> bool:
    """Return whether quoted words are a name, not speech: no verb, every content word capitalised
    ("the “Treaty on Good Neighbourly Relations”", "under the theme “Inclusivity and Sustainability”")."""
    words = [t for t in inner if t.is_alpha]
    content = [t for t in words if not t.is_stop]
    return (
        bool(content)
        and all(t.text[:1].isupper() for t in content)
        and all(t.pos_ not in ("VERB", "AUX") for t in words)
    )


def _name_and_colon(lead, reading: _Reading) -> tuple[None, list[str]] | None:
    """Return the speaker of a paragraph that is a name, a colon and a quotation (a headline: Fidan: “…”)."""
    named = {reading.mention_at[t.i].key for t in lead[:-1] if t.i in reading.mention_at}
    if lead[-1].text == ":" and len(named) == 1 and all(t.i in reading.mention_at for t in lead[:-1]):
        return None, list(named)
    return None


def _framing_verb(inner: list[Token], reading: _Reading, short: bool) -> Token | None:
    """Return the speech verb whose clause holds the quotation, or one the quotation opens with."""
    inside = {t.i for t in inner}
    for head in (t for t in inner if not t.is_punct and (t.head.i not in inside or t.head.i == t.i)):
        verb = _speech_above(head, inside, reading, short)
        if verb is not None:
            return verb
    first = inner[0]
    if reading.labels.get(first.i) == "SPEECH" and any(c.dep_ == "nsubj" and c.i not in inside for c in first.children):
        return first  # The envoys have “confirmed that …”
    return None


def _speech_above(head: Token, inside: set[int], reading: _Reading, short: bool) -> Token | None:
    node, steps = head, 0
    while True:
        if node.i not in inside and _is_speech(node, reading, steps):
            return node
        side = [c for c in node.children if c.i not in inside and c.dep_ in _SIDE_FRAMES and _is_speech(c, reading)]
        if side:
            return side[0]
        if node.head.i == node.i or (short and steps and node.dep_ not in _CLAUSAL):
            return None
        node, steps = node.head, steps + 1


def _is_speech(token: Token, reading: _Reading, steps: int = 0) -> bool:
    """Return whether `token` frames speech; naming verbs ("called it “…”") only their own complement."""
    label = reading.labels.get(token.i)
    return label == "SPEECH" or (label == "NAMING" and steps <= 3)


def _opens_sentence(token: Token) -> bool:
    """Return whether a quotation's first word opens its sentence ("“Never,” he said")."""
    before = [t for t in token.sent if t.i < token.i]
    return all(t.is_punct or t.is_space for t in before)


def _verb_after(end: int, reading: _Reading) -> Token | None:
    """Return a speech verb in the words just after a closing mark ("…," the ministry said)."""
    after = reading.doc[_index(reading, end) : _index(reading, end) + 12]
    return _nearest(after, "SPEECH", reading, lambda t: _breaks(t) or t.i in reading.quoted)


def _naming_before(start: int, reading: _Reading) -> Token | None:
    """Return a naming verb a few words before a short quotation ("called it “…”", "hailed as “…”")."""
    before = reading.doc[max(0, _index(reading, start) - 4) : _index(reading, start)]
    return _nearest(reversed(before), "NAMING", reading, lambda t: t.is_punct)


def _verb_before(start: int, reading: _Reading) -> Token | None:
    """Return a speech verb just before an opening mark after a colon or comma (Fidan said: "…")."""
    before = reading.doc[max(0, _index(reading, start) - 8) : _index(reading, start)]
    if not before or before[-1].text not in (":", ",") and reading.labels.get(before[-1].i) != "SPEECH":
        return None
    return _nearest(reversed(before), "SPEECH", reading, _breaks)


def _index(reading: _Reading, offset: int) -> int:
    """Return the index of the first token at or after `offset`."""
    return bisect_left(reading.starts, offset)


def _tokens(reading: _Reading, start: int, end: int):
    return reading.doc[_index(reading, start) : _index(reading, end)]


def _nearest(tokens, label: str, reading: _Reading, stop) -> Token | None:
    """Return the first of `tokens` with `label`, unless a line break or a `stop` token comes first."""
    for token in tokens:
        if "\n" in token.text or stop(token):
            return None
        if reading.labels.get(token.i) == label:
            return token
    return None


def _breaks(token: Token) -> bool:
    return token.text in _SENTENCE_END or token.text in _MARKS


def _paragraph_frame(start: int, reading: _Reading) -> tuple[Token | None, list[str]] | None:
    """Frame a paragraph that is a quotation by the paragraph before: its colon, else its last speaker."""
    text = text_of(reading.doc)
    previous = _previous_paragraph(text, start)
    if previous is None:
        return None
    begin, end = previous
    tokens = [t for t in _tokens(reading, begin, end) if t.i not in reading.quoted]
    if text[begin:end].rstrip().endswith(":") and tokens:
        verbs = [t for t in tokens if reading.labels.get(t.i) == "SPEECH"]
        if verbs:
            return verbs[-1], _speakers(verbs[-1], reading)
        root = tokens[-1].sent.root
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        return (None, _who(subject, reading)) if subject is not None else None
    return _last_speaker(begin, end, reading)


def _last_speaker(begin: int, end: int, reading: _Reading) -> tuple[None, list[str]] | None:
    """Return the speakers of the last attributed quotation or speech verb between two offsets."""
    quoted = [(at, who) for at, who in reading.spoken if begin <= at < end]
    verbs = [
        t for t in _tokens(reading, begin, end) if t.i not in reading.quoted and reading.labels.get(t.i) == "SPEECH"
    ]
    if verbs and (not quoted or verbs[-1].idx > quoted[-1][0]):
        speakers = _speakers(verbs[-1], reading)
        return (None, speakers) if speakers else None
    return (None, quoted[-1][1]) if quoted else None


# --- speakers -------------------------------------------------------------------------------------------------------


def _speakers(verb: Token, reading: _Reading) -> list[str]:
    """Return who speaks through a frame: its subject, its passive agent or the object of "according to"."""
    node = verb
    for _ in range(5):
        speaker = _speaker_of(node, reading)
        if speaker is not None:
            return _who(speaker, reading)
        if node.dep_ not in _CLIMB or node.head.i == node.i:
            return []
        node = node.head  # "went on to say", "echoed the call, stating", "was quoted as saying"
    return []


def _speaker_of(node: Token, reading: _Reading) -> Token | None:
    """Return the word naming who speaks through one verb, if the verb has one."""
    if node.i in reading.sources:
        return _object_of(reading.doc[reading.sources[node.i]])  # "according to Aliyev"
    wanted = ("dobj", "nsubjpass") if reading.labels.get(node.i) == "QUOTING" else ("nsubj",)
    for child in node.children:
        if child.dep_ in wanted:
            return child  # "Fidan said", "quoted Fidan as saying", "Fidan was quoted as saying"
        if child.dep_ == "agent":
            return _object_of(child)  # "coined by Aliyev"
    return None


def _object_of(preposition: Token) -> Token | None:
    return next((c for c in preposition.children if c.dep_ == "pobj"), None)


def _who(subject: Token, reading: _Reading) -> list[str]:
    """Return the agents a subject stands for."""
    lower = subject.lower_
    if lower in _PERSON_PRONOUNS:
        earlier = [key for at, key in reading.subject_people if at < subject.idx]
        return [earlier[-1]] if earlier and earlier[-1] else []
    if subject.tag_ in ("WP", "WDT") and subject.head.dep_ in ("relcl", "acl"):
        return _who(subject.head.head, reading)  # "Trump, who called it …"
    named = _named_all(subject, reading)
    if named:
        return named
    if reading.labels.get(subject.i) == "DOCUMENT" and _issuers(subject):
        return _author(subject, reading)  # "Paylan's statement": his, even if nobody knows him
    if reading.labels.get(subject.i) == "DOCUMENT":
        return _last(reading.authors, subject.idx, _last(reading.bodies, subject.idx, []))
    if lower == "it":
        return _last(sorted(reading.authors + reading.bodies), subject.idx, [])
    if lower in ("they", "both") or subject.tag_ in ("NNS", "NNPS") or _counted(subject):
        return _group(subject, reading)
    if subject.pos_ == "PROPN" or any(c.lower_ == "the" for c in subject.children):
        return _named_with(subject, reading)  # "Anwar" after "Anwar Ibrahim", "the ministry" after "the Ministry of …"
    return []


def _named_one(head: Token, reading: _Reading) -> Found | None:
    """Return the agent a noun phrase names: its own name, else a name set beside it ("the minister, Lavrov"),
    else the body whose office it is ("the Foreign Ministry press office").

    A state or body that only qualifies the head ("Armenia's foreign ministry", "the Council of the EU") is not
    the speaker: the ministry or the council is, and the article has not named it.
    """
    if head.i in reading.mention_at:
        return reading.mention_at[head.i]
    personal = _personal(head, reading)
    beside = []
    for child in (c for c in head.children if c.i in reading.mention_at):
        mention = reading.mention_at[child.i]
        if child.dep_ == "appos" or (child.dep_ == "compound" and mention.kind == "Organization" and not personal):
            beside.append(mention)
    if personal:
        beside = [m for m in beside if m.kind == "Person"]
    return min(beside, key=_speaker_rank) if beside else None


def _speaker_rank(mention: Found) -> int:
    """Rank the names in a subject: a person speaks before a body, a body before a state."""
    return {"Person": 0, "Organization": 1}.get(mention.kind, 2)


def _author(document: Token, reading: _Reading) -> list[str]:
    """Return who issued a document: "X's statement", "a statement by/of/from X", "X issued a statement"."""
    issuers = _issuers(document)
    if issuers:
        return _named_all(issuers[0], reading)  # "by the Council of the EU": the council, not the union
    head = document.head
    if document.dep_ == "pobj" and head.lower_ == "in":
        head = head.head  # "said in a statement"
    if document.dep_ in ("dobj", "pobj") and head.pos_ == "VERB":
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ not in _PERSON_PRONOUNS and subject.i != document.i:
            return _named_all(subject, reading)
    return []


def _issuers(document: Token) -> list[Token]:
    """Return the words that name who issued a document: "X's", "by X", "of X", "from X"."""
    return [t for t in document.subtree if _issuer(t, document)]


def _issuer(token: Token, document: Token) -> bool:
    if token.dep_ == "poss":
        return token.head.i == document.i
    by = token.head.lower_ == "by" or (token.head.lower_ in ("of", "from") and token.pos_ == "PROPN")
    return token.dep_ == "pobj" and by


def _named_all(head: Token, reading: _Reading) -> list[str]:
    """Return the agents a noun phrase and the phrases coordinated with it name ("Aliyev and Pashinyan")."""
    return _unique([m.key for m in (_named_one(t, reading) for t in (head, *head.conjuncts)) if m])


def _last(said: list[tuple[int, list[str]]], offset: int, otherwise: list[str]) -> list[str]:
    earlier = [who for at, who in said if at < offset]
    return earlier[-1] if earlier else otherwise


def _counted(subject: Token) -> bool:
    return any(c.lower_ in ("both", "two", "all") for c in subject.children)


def _group(subject: Token, reading: _Reading) -> list[str]:
    """Return who a group word stands for: the people described by that noun, else the agents named together."""
    label = reading.labels.get(subject.i)
    if label == "PEOPLE":
        described = _described_as(subject.lemma_.lower(), reading)
        if described:
            return described
    kind = {"PEOPLE": "Person", "STATES": "Country"}.get(label)
    return _named_together(subject.idx, kind, reading)


def _described_as(lemma: str, reading: _Reading) -> list[str]:
    """Return the people the article calls by a role noun ("Special Envoy X", "X was named envoy")."""
    people = []
    for token in reading.doc:
        if token.lemma_.lower() != lemma or token.i in reading.quoted:
            continue
        if token.dep_ in ("compound", "appos"):
            described = [token.head]
        elif token.dep_ in ("attr", "oprd"):
            described = [c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            described += [t for d in described for t in d.conjuncts]
        else:
            described = [c for c in token.children if c.dep_ == "appos"]
        people += [reading.mention_at[t.i].key for t in described if t.i in reading.mention_at]
    return _unique([key for key in people if key.startswith("person/")])


def _named_together(offset: int, kind: str | None, reading: _Reading) -> list[str]:
    """Return the agents a group word before `offset` stands for, from the nearest of four sentences: those named
    together ("Turkey and Armenia"), else the people (or states) it names ("Fidan met Lavrov")."""
    sentences = [s for s in sentences_of(reading.doc) if s.start_char < offset][-4:]
    for sentence in reversed(sentences):
        tokens = [t for t in sentence if t.idx < offset and t.i not in reading.quoted]
        for token in reversed([t for t in tokens if t.dep_ == "conj"]):
            group = [t for t in (token.head, *token.head.conjuncts) if t.i in reading.mention_at]
            keys = _of_kind([reading.mention_at[t.i] for t in group], kind)
            if len(keys) >= 2:
                return keys
        for wanted in (kind,) if kind else ("Person", "Country"):
            keys = _of_kind([reading.mention_at[t.i] for t in tokens if t.i in reading.mention_at], wanted)
            if len(keys) >= 2:
                return keys[:4]
    return []


def _of_kind(mentions: list[Found], kind: str | None) -> list[str]:
    return _unique([m.key for m in mentions if kind is None or m.kind == kind])


def _named_with(subject: Token, reading: _Reading) -> list[str]:
    """Return the last agent named with the subject's noun ("the ministry" after "the Foreign Ministry")."""
    lemma = subject.lemma_.lower()
    for token in (reading.doc[i] for i in range(subject.i - 1, -1, -1) if i in reading.mention_at):
        words = [token, *token.children]
        if any(w.lemma_.lower() == lemma for w in words):
            return [reading.mention_at[token.i].key]
    return []


# --- output ---------------------------------------------------------------------------------------------------------


def _said_at(verb: Token, events: list[Event]) -> int | None:
    """Return the event a frame places the words at ("said at a news conference"), by the event's trigger."""
    for prep in _frame_preps(verb):
        start = min(t.idx for t in prep.subtree)
        end = max(t.idx + len(t.text) for t in prep.subtree)
        nouns = {t.lower_ for t in prep.subtree if t.pos_ == "NOUN"}
        for index, event in enumerate(events):
            trigger = event.trigger or event.evidence
            if trigger.start < end and start < trigger.end:
                return index
        earlier = [
            i for i, e in enumerate(events) if e.trigger and e.trigger.start < verb.idx and _last_word(e) in nouns
        ]
        if earlier:
            return max(earlier, key=lambda i: events[i].trigger.start)
    return None


def _frame_preps(verb: Token) -> list[Token]:
    preps = []
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in _AT_EVENT:
            preps.append(child)
        elif child.dep_ in ("advcl", "xcomp"):
            preps += [c for c in child.children if c.dep_ == "prep" and c.lower_ in _AT_EVENT]
    return preps


def _last_word(event: Event) -> str:
    words = event.trigger.text.lower().split() if event.trigger else []
    return words[-1] if words else ""


def _quotes(region: QuoteRegion, verb: Token | None, speakers: list[str], said_at, doc: Doc) -> list[Quote]:
    """Return one quote per paragraph of a quotation, each with its evidence sentence(s)."""
    text = text_of(doc)
    out = []
    for start, end in region.parts:
        words = _clean(text[start:end])
        if not words:
            continue
        first, last = _sentence_bounds(doc, start), _sentence_bounds(doc, max(start, end - 1))
        begin, finish = min(first[0], start), max(last[1], end)
        if verb is not None and _paragraph_start(text, verb.idx) == _paragraph_start(text, start):
            sentence = _sentence_bounds(doc, verb.idx)
            begin, finish = min(begin, sentence[0]), max(finish, sentence[1])
        begin, finish = _trimmed(text, begin, finish)
        evidence = Span(begin, finish, text[begin:finish])
        out.append(Quote(speakers[0], words, evidence, said_at, co_speakers=list(speakers[1:])))
    return out


def _sentence_bounds(doc: Doc, offset: int) -> tuple[int, int]:
    """Return the character bounds of the sentence holding `offset` (`Token.sent` walks the document each call)."""
    bounds = doc.user_data.get("sentence_bounds")
    if bounds is None:
        bounds = doc.user_data["sentence_bounds"] = [(s.start_char, s.end_char) for s in sentences_of(doc)]
    index = bisect_right([end for _, end in bounds], offset)
    return bounds[min(index, len(bounds) - 1)]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraph_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _previous_paragraph(text: str, start: int) -> tuple[int, int] | None:
    """Return the bounds of the last non-empty paragraph before the one holding `start`."""
    end = _paragraph_start(text, start) - 1
    while end > 0:
        begin = _paragraph_start(text, end)
        if text[begin:end].strip():
            return begin, end
        end = begin - 1
    return None


def _clean(words: str) -> str:
    return words.strip().rstrip(",").strip()


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))
