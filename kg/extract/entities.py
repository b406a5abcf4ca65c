"""Entity mentions: names from the reference gazetteer, surnames, titles, capitals and new titled people.

Rules, in the order they apply:
- every surface form of a reference entity (labels, alternative labels, their accent-folded and
  hyphen/en-dash variants) is matched with a spaCy PhraseMatcher, longest match first;
- a capital city is its country's government ("Ankara and Yerevan agreed") unless the words around it
  make it a location ("arrived in Ankara", "the Ankara talks", "flights between Istanbul and Yerevan");
- a lone surname resolves to the person named in full earlier in the article, else to the only
  reference person of that name;
- "his Azerbaijani counterpart" and "the Turkish foreign minister" resolve through office tenures on the
  article's date (never without one);
- "Title Firstname Lastname" unknown to the reference data becomes a new, unlinked person with its role;
- a demonym ("Turkish") counts as a mention of its country but never creates an entity; pronouns are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract import lexicon, names
from kg.extract.datelines import Dateline
from kg.extract.model import Entity
from kg.extract.pipeline import text_of
from kg.ids import slugify
from kg.reference import Gazetteer, fold

NAME, SURNAME, DEMONYM = "NAME", "SURNAME", "DEMONYM"


@dataclass(frozen=True)
class Found:
    """One resolved mention: where it is, what it names, and how it was recognised."""

    start: int
    end: int
    key: str
    kind: str
    how: str  # name, surname, title, demonym, metonym, new, nested
    literal: bool = True  # a place used as a location (False: a capital standing for its government)

    @property
    def is_agent(self) -> bool:
        """Return whether this can take part in an event (people, states, organisations)."""
        return self.kind in ("Person", "Country", "Organization")


class EntityFinder:
    """Find and resolve entity mentions in a parsed article."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.forms = gazetteer.surface_forms()
        self.surnames = _surnames(gazetteer)
        self.demonyms = gazetteer.demonyms()
        self.capitals = gazetteer.capitals()
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for label, forms in ((NAME, self.forms), (SURNAME, self.surnames), (DEMONYM, self.demonyms)):
            self.matcher.add(label, [nlp.make_doc(form) for form in forms])
        self.countries_by_name = {
            name: e.key for e in gazetteer.entities.values() if e.kind == "Country" for name in e.names
        }
        self.dictionary = names.common_words(nlp)
        self._role = _role_pattern(set(self.demonyms) | set(self.countries_by_name))

    def __call__(
        self, doc: Doc, published: dt.date | None, dateline: Dateline | None = None
    ) -> tuple[list[Found], dict[str, Entity]]:
        """Return the mentions of `doc` in text order and the entities they name."""
        text = text_of(doc)
        every = [Span(doc, s, e, label=m) for m, s, e in self._matches(doc)]
        spans = filter_spans(every)
        found: list[Found] = []
        entities: dict[str, Entity] = {}
        local_surnames = {fold(p.label.split()[-1]): p.key for p in entities.values()}
        place = dateline.place if dateline is not None else None
        for span in sorted(spans, key=lambda s: s.start_char):
            if place is not None and place.start <= span.start_char and span.end_char <= place.end:
                continue  # the dateline's place is read below, as the place the dispatch was filed from
            mention = self._resolve(span, text, found, published, local_surnames)
            if mention is not None:
                found.append(mention)
        if place is not None:
            found.append(self._dateline_place(place, entities))
        found.extend(self._roles(text, found, published))
        found = _dedupe(found) + self._nested(every, spans, found)
        # A state's body first: "the Kenyan Foreign Ministry" is the body "Kenya's foreign ministry" names too.
        found += self._state_bodies(doc, found, entities)
        # The dateline's agency is read with the dateline ("(AP) —" is an agency, "(Combined Sources) —" a credit).
        agency = [(dateline.agency.start, dateline.agency.end)] if dateline is not None and dateline.agency else []
        found += self._open_world(doc, found, entities, agency)
        for mention in found:
            if mention.key not in entities:
                entities[mention.key] = self._entity(mention.key)
        return found, entities

    def _dateline_place(self, place, entities: dict[str, Entity]) -> Found:
        """Return the place a dateline names ("YEREVAN (AP) —", "Kuala Lumpur, May 2 /Bernama/ -"): always a
        location, never the government of a capital; known in any letter case, else a new place."""
        written = place.text
        for form in (written, written.title(), fold(written.title())):
            places = sorted(k for k in self.forms.get(form, ()) if self.gazetteer.entities[k].kind == "Place")
            if places:
                return Found(place.start, place.end, places[0], "Place", "name")
        label = written.title() if written.isupper() else written
        key = f"place/{slugify(label)}"
        entities.setdefault(key, Entity(key, "Place", label, in_reference=False))
        return Found(place.start, place.end, key, "Place", "new")

    def _open_world(
        self, doc: Doc, found: list[Found], entities: dict[str, Entity], skip: list[tuple[int, int]]
    ) -> list[Found]:
        """Return mentions of the names the NER finds outside every reference mention and `skip`, as new entities."""
        proposals = names.propose(doc, [(m.start, m.end) for m in found] + skip)
        aliases = _bracketed_aliases(text_of(doc), proposals, found)
        new, mentions = names.new_entities([p for p in proposals if p not in aliases], self.dictionary)
        entities.update(new)
        out = [Found(p.start, p.end, key, entities[key].kind, "ner") for p, key in mentions]
        return out + [Found(p.start, p.end, m.key, m.kind, "alias") for p, m in aliases.items()]

    def _state_bodies(self, doc: Doc, found: list[Found], entities: dict[str, Entity]) -> list[Found]:
        """Return the government, ministries and parliament of a state named as such ("the Armenian government",
        "Armenia's foreign ministry", "the Ministry of Foreign Affairs of Armenia"), as organisations of their own."""
        taken = [(m.start, m.end) for m in found]
        text = text_of(doc)
        out = []
        for mention in (m for m in found if m.kind == "Country"):
            named = _body_of(text, mention)
            if named is None:
                continue
            start, end, words = named
            words_start, words_end = (mention.end, end) if end > mention.end else (start, mention.start)
            if any(s < words_end and words_start < e for s, e in taken):
                continue
            state = self.gazetteer.entities[mention.key]
            label = f"{_BODY_LABELS[words.lower()]} of {state.label}"
            key = f"organization/{slugify(label)}"
            alts = {text[start:end]} - {label}
            if end > mention.end:  # "Armenia's foreign ministry" is also the "Armenian Foreign Ministry"
                alts |= {f"{d} {words}".title() for d in state.demonyms[:1]}
            known = entities.get(key)
            alt_labels = tuple(sorted(set(known.alt_labels if known else ()) | alts))
            entities[key] = Entity(key, "Organization", label, in_reference=False, alt_labels=alt_labels)
            out.append(Found(start, end, key, "Organization", "body"))
        return out

    def _matches(self, doc: Doc):
        for match_id, start, end in self.matcher(doc):
            yield doc.vocab.strings[match_id], start, end

    def _resolve(self, span, text, found, published, local_surnames) -> Found | None:
        surface = span.text
        if span.label_ == DEMONYM:
            return Found(span.start_char, span.end_char, self.demonyms[surface], "Country", "demonym")
        if span.label_ == SURNAME:
            key = self._surname(fold(surface), found, published, local_surnames)
            return key and Found(span.start_char, span.end_char, key, "Person", "surname")
        keys = sorted(self.forms.get(surface, ()))
        if not keys:
            return None
        key = _prefer_mentioned(keys, found)
        entity = self.gazetteer.entities[key]
        if key in self.capitals and not _literal_place(text, span.start_char, span.end_char):
            return Found(span.start_char, span.end_char, self.capitals[key], "Country", "metonym", literal=False)
        return Found(span.start_char, span.end_char, key, entity.kind, "name")

    def _nested(self, every, kept, found: list[Found]) -> list[Found]:
        """Return the names inside summit and agreement names ("NATO summit in Washington")."""
        out = []
        kept_at = {(s.start_char, s.end_char) for s in kept}
        outer = [m for m in found if m.how == "name" and m.kind in ("Summit", "Agreement")]
        for span in every:
            if (span.start_char, span.end_char) in kept_at or span.label_ == SURNAME:
                continue
            around = [o for o in outer if o.start <= span.start_char and span.end_char <= o.end]
            if not around or (
                span.label_ == NAME
                and around[0].start == span.start_char
                and self.gazetteer.entities[_first(self.forms[span.text])].kind == "Place"
            ):
                continue  # a place naming an agreement ("Shusha Declaration") is not mentioned as a place
            if span.label_ == DEMONYM:
                out.append(Found(span.start_char, span.end_char, self.demonyms[span.text], "Country", "nested"))
            elif len(self.forms.get(span.text, ())) == 1:
                key = next(iter(self.forms[span.text]))
                out.append(Found(span.start_char, span.end_char, key, self.gazetteer.entities[key].kind, "nested"))
        return [m for m in out if not any(m.start == o.start and m.end == o.end for o in found)]

    def _surname(self, surname, found, published, local_surnames) -> str | None:
        candidates = self.surnames.get(surname, set())
        if surname in local_surnames:
            return local_surnames[surname]
        for mention in reversed(found):
            if mention.key in candidates:
                return mention.key
        if len(candidates) == 1:
            return next(iter(candidates))
        if published:
            in_office = {c for c in candidates if any(h.covers(published) for h in self.gazetteer.offices_of(c))}
            if len(in_office) == 1:
                return in_office.pop()
        return None

    def _roles(self, text: str, found: list[Found], published: dt.date | None) -> list[Found]:
        """Resolve a title without a name ("his Azerbaijani counterpart") through tenures on the date."""
        if published is None:
            return []
        out = []
        for match in self._title_phrases(text):
            if re.match(r"\s+(?:[A-Z][\w’'.-]+\s+){0,2}[A-Z][\w’'-]+", text[match.end() :]) and _names_follow(
                text, match.end(), found
            ):
                continue
            country = self._country_of(match.group("who"))
            title = match.group("title").lower()
            office = lexicon.OFFICE_TITLES.get(title)
            if title.startswith("counterpart"):
                office = self._office_of_previous_person(found, match.start(), published)
            holder = self._holder(office, country, published)
            if holder:
                out.append(Found(match.start(), match.end(), holder, "Person", "title"))
        return out

    def _title_phrases(self, text: str):
        """Yield the "his Azerbaijani counterpart" phrases of `text`: the long pattern is tried only in the few words
        before each title word, not over the whole text (its alternation of every state name is slow to scan)."""
        last_end = 0
        for title in _TITLE_WORD.finditer(text):
            match = self._role.search(text, max(last_end, title.start() - 80), title.end())
            if match is not None and match.end() == title.end():
                last_end = match.end()
                yield match

    def _country_of(self, word: str) -> str | None:
        word = re.sub(r"(’s|'s)$", "", word)
        return self.demonyms.get(word) or self.countries_by_name.get(word)

    def _office_of_previous_person(self, found: list[Found], before: int, published: dt.date) -> str | None:
        for mention in sorted((m for m in found if m.end <= before), key=lambda m: -m.start):
            if mention.kind != "Person":
                continue
            for holding in self.gazetteer.offices_of(mention.key):
                if holding.covers(published):
                    label = self.gazetteer.positions[holding.position].label
                    return label.rsplit(" of ", 1)[0]
            return None
        return None

    def _holder(self, office: str | None, country: str | None, published: dt.date) -> str | None:
        if not office or not country:
            return None
        for position in self.gazetteer.positions.values():
            if position.jurisdiction == country and _office_matches(position.label, office):
                holders = self.gazetteer.holders(position.key, published)
                if len(holders) == 1:
                    return holders[0]
        return None

    def _entity(self, key: str) -> Entity:
        entity = self.gazetteer.entities[key]
        if not entity.curated:
            return Entity(key, entity.kind, entity.label, in_reference=False, alt_labels=entity.names[1:])
        return Entity(key=key, kind=entity.kind, label=entity.label)


#: Bodies of a state named by the state and a common noun ("the Armenian government", "Iran's foreign ministry").
_STATE_BODIES = {
    "government": "Government",
    "foreign ministry": "Ministry of Foreign Affairs",
    "foreign affairs ministry": "Ministry of Foreign Affairs",
    "defence ministry": "Ministry of Defence",
    "defense ministry": "Ministry of Defence",
    "parliament": "Parliament",
}
_STATE_BODY = re.compile(
    r"(?:’s|'s)?\s+(?P<body>" + "|".join(sorted(_STATE_BODIES, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
#: The same bodies named before their state ("the Ministry of Foreign Affairs of Armenia", "the government of Chad").
_BODY_LABELS = {
    **_STATE_BODIES,
    "ministry of foreign affairs": "Ministry of Foreign Affairs",
    "ministry of defence": "Ministry of Defence",
    "ministry of defense": "Ministry of Defence",
}
_BODY_OF_STATE = re.compile(
    r"\b(?P<body>" + "|".join(sorted(_BODY_LABELS, key=len, reverse=True)) + r")\s+of\s+(?:the\s+)?$", re.IGNORECASE
)


def _body_of(text: str, mention: Found) -> tuple[int, int, str] | None:
    """Return where a state's body named with the state `mention` begins and ends, and the body's words."""
    after = _STATE_BODY.match(text, mention.end)
    if after:
        return mention.start, after.end(), after.group("body")
    before = _BODY_OF_STATE.search(text, max(0, mention.start - 40), mention.start)
    if before:
        return before.start(), mention.end, before.group("body")
    return None


def _bracketed_aliases(text: str, proposals, found: list[Found]) -> dict:
    """Map each proposed name followed by a known short name in brackets ("Association of … (ASEAN)") to that
    mention; a longer name in brackets says where a place lies ("Voskepar (Republic of Armenia)"), not what it is."""
    out = {}
    for proposal in proposals:
        match = _BRACKETED.match(text, proposal.end)
        if match and " " not in match.group(1) and " " in proposal.text:
            inner = next((m for m in found if m.start == match.start(1) and m.end == match.end(1)), None)
            if inner is not None and inner.kind in ("Organization", "Country", "Agreement"):
                out[proposal] = inner
    return out


_BRACKETED = re.compile(r"\s*\(\s*([^()\n]{2,40}?)\s*\)")


def _first(keys: set[str]) -> str:
    return sorted(keys)[0]


def _office_matches(label: str, office: str) -> bool:
    return label.startswith(office + " of ") or label.endswith(" " + office)


def _names_follow(text: str, end: int, found: list[Found]) -> bool:
    """Return whether a name mention starts right after `end` (the title then introduces that name)."""
    gap = len(text[end:]) - len(text[end:].lstrip())
    return any(m.start == end + gap for m in found)


def _surnames(gazetteer: Gazetteer) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entity in gazetteer.entities.values():
        if entity.kind != "Person":
            continue
        for name in entity.names:
            words = name.split()
            if len(words) >= 2:
                for variant in {words[-1], fold(words[-1])}:
                    out.setdefault(variant, set()).add(entity.key)
    return out


def _prefer_mentioned(keys: list[str], found: list[Found]) -> str:
    mentioned = {m.key for m in found}
    return next((k for k in keys if k in mentioned), keys[0])


def _literal_place(text: str, start: int, end: int) -> bool:
    """Tell a capital used as a location from a capital standing for its government."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 20]
    words = before.lower().split()
    for cue in lexicon.LOCATIVE_BEFORE:
        cue_words = cue.split()
        if words[-len(cue_words) :] == cue_words or words[-len(cue_words) - 1 : -1] == cue_words and words[-1] == "the":
            return True
    next_word = re.match(r"\s*([-\w]+)", after)
    if next_word and next_word.group(1).lower() in lexicon.LOCATIVE_AFTER:
        return True
    between = re.search(r"\bbetween\s+(?:\S+\s+){0,2}(?:and\s+)?$", before, re.I)
    if between:
        sentence_start = max(before.rfind("."), before.rfind("\n"))
        return any(w.strip(",") in lexicon.ROUTE_WORDS for w in before[sentence_start + 1 :].lower().split())
    return False


_TITLE_WORD = re.compile(
    r"\b(?:counterparts?|"
    + "|".join(re.escape(t) for t in sorted(lexicon.OFFICE_TITLES, key=len, reverse=True))
    + r")\b",
    re.I,
)


def _role_pattern(modifiers: set[str]) -> re.Pattern:
    who = "|".join(re.escape(m) for m in sorted(modifiers, key=len, reverse=True))
    titles = "|".join(re.escape(t) for t in sorted(lexicon.OFFICE_TITLES, key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?:his|her|their|the)\s+)?(?P<who>(?:{who})(?:’s|'s)?)\s+(?P<title>counterparts?|{titles})\b\Z",
        re.I,
    )


def _dedupe(found: list[Found]) -> list[Found]:
    """Keep one mention per stretch of text, preferring names over titles over the rest."""
    rank = {"name": 0, "metonym": 0, "new": 0, "ner": 1, "alias": 1, "body": 1, "surname": 1, "title": 2, "demonym": 3}
    kept: list[Found] = []
    for mention in sorted(found, key=lambda m: (rank[m.how], m.start)):
        if not any(m.start < mention.end and mention.start < m.end for m in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
