"""Who took part in an event, who hosted or mediated it, and where: read from the dependency parse.

The trigger's clause is found first (a noun trigger, "held a meeting", belongs to the verb it is the object
or subject of); its subjects and objects with their coordinated and appositive names are the participants;
"with" and "between" phrases add partners; "hosted by" / "at the invitation of" give hosts; "mediated by"
or "X-brokered" give mediators; "in"/"at" phrases give the place. The speaker of words that report an event
("…, the minister said") is not one of its participants: the reporting verb is above the clause, not in it.
A pronoun subject ("he", "they") leaves the participants to the sentences before (`None` participants).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
OBJECTS = ("dobj", "attr", "dative")
PARTNER_PREPOSITIONS = ("with", "between", "among", "to")
HOST_PHRASES = (("host", "by"), ("invitation", "of"), ("guest", "of"), ("organize", "by"), ("organise", "by"))
MEDIATOR_PHRASES = (("mediate", "by"), ("broker", "by"), ("mediation", "of"))
PLACE_PREPOSITIONS = ("in", "at")
_HOST_VERBS = {"host", "organize", "organise", "convene"}
_TAKES_OBJECT_AS_PARTY = {"meet", "visit", "call", "phone", "host", "receive", "welcome", "sever", "establish", "sign"}
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "both", "who"}
_CLAUSE_EDGES = ("relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "punct", "prep", "cc")


@dataclass
class Roles:
    """The agents and place the parse gives an event (character spans of the names)."""

    participants: list[tuple[int, int]] = field(default_factory=list)
    heads: list[tuple[int, int]] = field(default_factory=list)  # the head words of the subjects (the speakers)
    hosts: list[tuple[int, int]] = field(default_factory=list)
    mediators: list[tuple[int, int]] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)
    pronoun_subject: bool = False  # the clause's subject is a pronoun: the story gives the participants


def clause_verb(token: Token) -> Token | None:
    """Return the verb a trigger word is the object or subject of ("meeting" in "will hold a meeting" → hold,
    "the summit was hosted by Egypt" → hosted), the trigger itself if it is a verb, else None (a noun in a phrase
    of its own: "the start of talks with X")."""
    if token.pos_ in ("VERB", "AUX"):
        return token
    while token.dep_ in ("compound", "conj") and token.head is not token:
        token = token.head
    if token.dep_ in (*OBJECTS, *SUBJECTS) and token.head.pos_ in ("VERB", "AUX"):
        return token.head
    preposition = token.head
    if token.dep_ == "pobj" and preposition.lower_ in ("at", "during") and preposition.head.pos_ == "VERB":
        return preposition.head  # "Fidan said at a news conference": who spoke took part
    return None


def negated(doc: Doc, start: int, end: int) -> bool:
    """Return whether the trigger's clause is negated ("did not meet", "no talks were held")."""
    trigger = doc.char_span(start, end, alignment_mode="expand")
    if trigger is None:
        return False
    root = trigger.root
    heads = {root, clause_verb(root) or root}
    return any(
        child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no") for h in heads for child in h.children
    )


def setting_only(doc: Doc | None, start: int, end: int) -> bool:
    """Return whether a noun trigger only says where something else happened ("on the sidelines of the summit",
    "at the summit", "during the talks"): the object of a preposition, not an argument of a clause of its own."""
    words = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    if words is None:
        return False
    root = words.root
    while root.dep_ in ("compound", "conj") and root.head is not root:
        root = root.head
    return root.dep_ == "pobj" and root.head.lower_ in ("of", "at", "during", "on", "ahead", "before", "after")


def reports(doc: Doc, verb_start: int, verb_end: int, start: int, end: int) -> bool:
    """Return whether the reporting verb at `verb_start`–`verb_end` has the words at `start`–`end` in the clause
    it reports ("X will hold a meeting, Misri said"), not beside it ("they reiterated … in a phone call")."""
    verb = doc.char_span(verb_start, verb_end, alignment_mode="expand")
    words = doc.char_span(start, end, alignment_mode="expand")
    if verb is None or words is None:
        return False
    reported = [c for c in verb.root.children if c.dep_ in ("ccomp", "xcomp", "parataxis")]
    return any(c.left_edge.i <= words.root.i <= c.right_edge.i for c in reported)


def roles_of(doc: Doc, start: int, end: int) -> Roles:
    """Return the roles the parse gives the event whose trigger spans characters `start`–`end`."""
    trigger = doc.char_span(start, end, alignment_mode="expand")
    if trigger is None:
        return Roles()
    root = trigger.root
    verb = clause_verb(root)
    roles = Roles()
    for subject in _subjects(verb) if verb is not None else []:
        if subject.i == root.i:
            continue  # "the talks were held in Doha": the trigger is the clause's subject, not a party
        if subject.lower_ in _PRONOUNS:
            roles.pronoun_subject = True
        if verb.lemma_ in _HOST_VERBS and root is not verb:
            roles.hosts += _names(subject)  # "Russia hosted the meeting": the host, not a participant
            continue
        roles.participants += _names(subject)
        roles.heads += [(t.idx, t.idx + len(t)) for t in [subject, *_coordinated(subject)]]
    if verb is not None and verb.lemma_ in _TAKES_OBJECT_AS_PARTY:
        for child in verb.children:
            if child.dep_ in OBJECTS:
                roles.participants += _names(child)
    objects = [c for c in verb.children if c.dep_ in OBJECTS] if verb is not None else []
    for head in {verb or root, root, *objects}:  # "severed relations with Hungary": the object's partners too
        _phrases(head, roles)
    for modifier in root.children:
        if modifier.dep_ in ("poss", "compound", "amod", "nmod") and root.pos_ == "NOUN":
            roles.participants += _names(modifier)
    return roles


def _subjects(verb: Token) -> list[Token]:
    """Return the subjects of a verb, or of the verb it depends on ("agreed to meet", "will hold")."""
    current = verb
    for _ in range(3):
        found = [c for c in current.children if c.dep_ in SUBJECTS]
        if found:
            return found
        if current.dep_ in ("xcomp", "conj") and current.head is not current:
            current = current.head
        else:
            break
    return []


def _phrases(head: Token, roles: Roles) -> None:
    """Add the partners, hosts, mediators and places of the prepositional phrases under `head`."""
    for child in head.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            target = roles.hosts if head.lemma_ in {h for h, _ in HOST_PHRASES} else None
            target = roles.mediators if head.lemma_ in {m for m, _ in MEDIATOR_PHRASES} else target
            if target is None:
                target = roles.participants
            for pobj in _pobjs(child):
                target += _names(pobj)
        elif child.dep_ == "prep" and child.lower_ in PARTNER_PREPOSITIONS:
            for pobj in _pobjs(child):
                roles.participants += _names(pobj)
        elif child.dep_ == "prep" and child.lower_ in PLACE_PREPOSITIONS:
            for pobj in _pobjs(child):
                roles.places += _names(pobj)
                if child.lower_ == "at":
                    _phrases(pobj, roles)  # "at the invitation of X", "at a dinner with X"
        elif child.dep_ == "prep" and child.lower_ == "of" and (head.lemma_, "of") in HOST_PHRASES:
            for pobj in _pobjs(child):
                roles.hosts += _names(pobj)
        elif child.dep_ == "acl" and child.lemma_ in {h for h, _ in HOST_PHRASES + MEDIATOR_PHRASES}:
            _phrases(child, roles)


def _pobjs(preposition: Token) -> list[Token]:
    return [c for c in preposition.children if c.dep_ == "pobj"]


def _names(head: Token) -> list[tuple[int, int]]:
    """Return the character span of a noun phrase and of every phrase coordinated or in apposition with it."""
    out = []
    for token in [head, *_coordinated(head)]:
        left, right = token, token
        for child in token.children:
            if child.dep_ in _CLAUSE_EDGES or child.dep_ in ("conj", "appos"):
                continue
            left = min(left, child.left_edge, key=lambda t: t.i)
            right = max(right, child.right_edge, key=lambda t: t.i)
        out.append((left.idx, right.idx + len(right)))
    return out


def _coordinated(head: Token) -> list[Token]:
    """Return the names coordinated with or in apposition to `head` ("Modi and Xi", "his counterpart Lavrov")."""
    out = []
    for child in head.children:
        if child.dep_ in ("conj", "appos"):
            out += [child, *_coordinated(child)]
    return out
