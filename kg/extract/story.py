"""Who the story is about: speakers near a verb, "he"/"she"/"they" and group words resolved to the people and
states named before, coordinated names, the state declaring independence."""

from __future__ import annotations

import re

from kg.extract import lexicon
from kg.extract.entities import Found
from kg.extract.sentences import HOST_VERB, Sentence, inside_quote, unique

UNNAMED_SPEAKER = re.compile(
    r"\b(?:officials|sources|analysts|experts|diplomats|observers|reports|media|residents|witnesses|people)\s+$", re.I
)


PRONOUN_SUBJECT = re.compile(r"\b(?:he|she)\b", re.I)


GROUP_TITLE = re.compile(r"\b(?P<title>" + "|".join(sorted(lexicon.GROUP_TITLES, key=len, reverse=True)) + r")\b")


def declaring_state(sentence: Sentence, before: list[Sentence], agents: list[Found], at: int) -> str | None:
    """Return the subject or possessor right before a declaration ("Armenia's declaration", "the latter declared")."""
    head = sentence.text[: at - sentence.start]
    latter = re.search(r"\bthe (latter|former)(?:’s|'s)?\s+(?:\w+\s+)?$", head, re.I)
    if latter:
        for scope in (sentence, *reversed(before[-1:])):
            countries = [m.key for m in scope.mentions if m.kind == "Country" and m.end <= at]
            pair = list(dict.fromkeys(reversed(countries)))[:2][::-1]
            if len(pair) == 2:
                break
        if len(pair) == 2:
            return pair[1] if latter.group(1).lower() == "latter" else pair[0]
        return None
    right_before = [m for m in agents if m.kind == "Country" and 0 <= at - m.end <= 12]
    return right_before[-1].key if right_before else None


def titled_before(before: list[Sentence], title: str) -> list[str]:
    """Return the states named with a group title in the sentences just before ("Turkey and Armenia's envoys")."""
    for sentence in reversed(before[-2:]):
        for found in re.finditer(rf"\b{re.escape(title)}\b", sentence.masked.lower()):
            at = sentence.start + found.start()
            countries = [m.key for m in sentence.mentions if m.kind == "Country" and 0 <= at - m.end <= 40]
            if len(countries) >= 2:
                return countries
    return []


def speaker_near(sentence: Sentence, verb_at: int, before: list[Sentence]) -> list[str]:
    """Return the speaker of a speech verb: the agent just before or after it, or a pronoun's antecedent."""
    agents = [m for m in sentence.mentions if m.is_agent and not inside_quote(sentence, m)]
    left = [m for m in agents if m.end <= verb_at and verb_at - m.end <= 40]
    left_text = sentence.text[: verb_at - sentence.start]
    if UNNAMED_SPEAKER.search(left_text):
        return []  # "…, officials said": the speakers are not named
    pronoun = PRONOUN_SUBJECT.search(left_text[-25:])
    if left and not (pronoun and pronoun.start() + len(left_text) - 25 > left[-1].end - sentence.start):
        last = left[-1]
        persons = [m for m in left if m.kind == "Person"]
        if persons and verb_at - persons[-1].end <= 60:
            last = persons[-1]
        return coordination_chain(sentence, [m for m in agents if m.end <= last.end], last)
    right = [m for m in agents if m.start >= verb_at and m.start - verb_at <= 45]
    people = [m for m in right if m.kind == "Person"]
    if people or (right and right[0].start - verb_at <= 20):
        return [(people or right)[0].key]
    if pronoun:
        return last_person(sentence, before, verb_at)
    return []


def pronoun_subject(sentence: Sentence, before: list[Sentence], agents: list[Found], at: int) -> list[str]:
    """Return who "he" or "she" is when the pronoun is the subject of an encounter ("he said at a news
    conference with …"): the person named last before it, unless a name stands between pronoun and trigger."""
    clause = sentence.masked[: at - sentence.start]
    pronoun = list(PRONOUN_SUBJECT.finditer(clause))
    if not pronoun:
        return []
    if HOST_VERB.match(clause, pronoun[-1].end() + 1):
        return []  # "as he brought the ministers together": the one who convenes is not a party
    said_at = sentence.start + pronoun[-1].start()
    if any(said_at <= m.start < at for m in agents if m.kind == "Person"):
        return []
    return last_person(sentence, before, said_at)


def last_person(sentence: Sentence, before: list[Sentence], at: int) -> list[str]:
    """Return who "he" or "she" before `at` is: the person last named as a subject in the narration, else the
    person last named in it; names inside quotations are the speaker's words, not the narrator's antecedents
    ("“… between Modi and Xi tomorrow,” he said": he is who spoke, not Xi)."""
    for s in [sentence, *reversed(before[-3:])]:
        people = [m for m in s.mentions if m.kind == "Person" and m.end <= at and not inside_quote(s, m)]
        subjects = [m for m in people if _subject(s, m)]
        if subjects or people:
            return [(subjects or people)[-1].key]
    return []


def _subject(sentence: Sentence, mention: Found) -> bool:
    """Return whether the parse makes a mention the subject of its clause."""
    if sentence.doc is None:
        return False
    words = sentence.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return words is not None and words.root.dep_ in ("nsubj", "nsubjpass")


def coordination_chain(sentence: Sentence, agents: list[Found], last: Found) -> list[str]:
    """Return the keys of `last` and the agents of its kind coordinated before it ("Hakan Fidan and his
    Azerbaijani counterpart Jeyhun Bayramov", "Turkey, Russia and Iran"), first to last."""
    chain = [last]
    for mention in reversed([m for m in agents if m.end <= last.start and m.kind == last.kind]):
        if (
            mention.key == chain[0].key
            and not sentence.text[mention.end - sentence.start : chain[0].start - sentence.start].strip()
        ):
            chain[0] = mention  # "his Azerbaijani counterpart" + "Jeyhun Bayramov": one mention
        elif coordinated(sentence, mention, chain[0]):
            chain.insert(0, mention)
        else:
            break
    return unique([m.key for m in chain])


def coordinated(sentence: Sentence, a: Found, b: Found) -> bool:
    if a is b:
        return True
    between = sentence.text[a.end - sentence.start : b.start - sentence.start]
    return bool(re.fullmatch(r"\s*(?:,|and|,\s*and|&)\s*(?:(?:his|her|its|their)\s+(?:[\w-]+\s+){0,4})?", between))


#: A subject standing for a group named before: "the two countries", "the Caucasus rivals", "they", "both".
GROUP_SUBJECT = re.compile(
    r"(?:(?:the|both|the two|all)\s+(?:two\s+)?(?:[\w-]+\s+)?(?:"
    + "|".join(re.escape(n) for n in lexicon.GROUP_NOUNS)
    + r")|"
    + "|".join(re.escape(p) for p in lexicon.GROUP_PRONOUNS)
    + r")\b"
)


def needs_antecedent(sentence: Sentence, agents: list[Found]) -> bool:
    head = sentence.masked.lstrip().lower()
    return len(agents) < 2 and bool(GROUP_SUBJECT.match(head))


def story_antecedents(
    sentence: Sentence, before: list[Sentence], persons: bool, past: frozenset = frozenset()
) -> list[str]:
    """Return who "the two countries" or "they" stands for: the people or states the nearest of the three
    sentences before names, a pair named together there first ("Türkiye and Armenia"), states of the past
    (`past`: the Ottoman Empire of a history clause) left out."""
    for s in reversed(before[-3:]):
        agents = [m for m in s.mentions if m.is_agent and m.key not in past]
        pair = coordinated_pair(agents, s, "Person" if persons else "Country")
        if pair:
            return [m.key for m in pair]
        chosen = [m.key for m in agents if m.kind == "Person"] if persons else []
        chosen = chosen or [m.key for m in agents if m.kind == "Country"]
        if len(set(chosen)) >= 2:
            return unique(chosen)[:4]
    return []


def antecedent_mentions(sentence: Sentence, before: list[Sentence], past: frozenset) -> list[Found]:
    """Return the mentions of the pair of states the sentences before name together, nearest first."""
    for s in reversed(before[-3:]):
        countries = [m for m in s.mentions if m.kind == "Country" and m.key not in past]
        pair = coordinated_pair(countries, s, "Country")
        if pair:
            return pair
    return []


def coordinated_pair(mentions: list[Found], sentence: Sentence, kind: str) -> list[Found] | None:
    """Return the mentions of two agents of one kind a sentence names together ("Türkiye and Armenia")."""
    agents = [m for m in mentions if m.kind == kind and not inside_quote(sentence, m)]
    for a, b in zip(agents, agents[1:], strict=False):
        between = sentence.text[a.end - sentence.start : b.start - sentence.start]
        if a.key != b.key and re.fullmatch(r"\s*(?:and|&)\s+(?:(?:[A-Z][\w’'-]*|his|her|its|their)\s+){0,4}", between):
            return [a, b]  # "Ilham Aliyev and Armenian Prime Minister Nikol Pashinyan"
    return None
