"""Words of diplomatic news the rules rely on: titles of office, event triggers, relation statuses.

Kept as data in one place so that the rules read as rules and the vocabulary can grow alone.
"""

from __future__ import annotations

#: Title as written → the office it names, as the start of a Position label ("… of <country>").
OFFICE_TITLES = {
    "foreign minister": "Minister of Foreign Affairs",
    "minister of foreign affairs": "Minister of Foreign Affairs",
    "top diplomat": "Minister of Foreign Affairs",
    "foreign affairs minister": "Minister of Foreign Affairs",
    "president": "President",
    "prime minister": "Prime Minister",
    "premier": "Prime Minister",
    "secretary of state": "Secretary of State",
    "chancellor": "Chancellor",
    "education minister": "Minister of Education",
}

#: Plural titles that name office holders of the countries beside them ("foreign ministers of X and Y").
GROUP_TITLES = {
    "top diplomats": "Minister of Foreign Affairs",
    "foreign ministers": "Minister of Foreign Affairs",
    "special envoys": "Special Representative",
    "special representatives": "Special Representative",
    "envoys": "Special Representative",
    "presidents": "President",
    "prime ministers": "Prime Minister",
}

#: Titles that introduce a person's name ("Ambassador Serdar Kılıç"); longest first when matching.
PERSON_TITLES = (
    "Deputy Foreign Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Interior Minister",
    "Economy Minister",
    "Energy Minister",
    "Finance Minister",
    "Trade Minister",
    "Education Minister",
    "Deputy Prime Minister",
    "Prime Minister",
    "Vice President",
    "President",
    "Deputy Speaker",
    "Parliament Speaker",
    "Speaker",
    "Secretary of State",
    "Secretary-General",
    "Secretary General",
    "Ambassador",
    "Special Envoy",
    "Special Representative",
    "Envoy",
    "Minister",
    "Chancellor",
    "Chairman",
    "Chairwoman",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Commissioner",
    "Governor",
    "Mayor",
    "Senator",
    "General",
    "Gen.",
    "Admiral",
    "Colonel",
    "Lt. Gen.",
    "Maj. Gen.",
    "Ombudsman",
    "Patriarch",
    "Catholicos",
    "King",
    "Queen",
    "Emir",
    "Sheikh",
    "Crown Prince",
    "Pope",
    "Assistant",
    "Adviser",
    "Advisor",
    "Dr.",
)

#: Words that, right before a capital city, make it a location rather than its government.
LOCATIVE_BEFORE = (
    "in",
    "to",
    "at",
    "from",
    "into",
    "near",
    "outside",
    "via",
    "toward",
    "towards",
    "around",
    "across",
    "inside",
    "capital",
    "city",
    "city of",
    "visit",
    "visited",
    "visiting",
    "reached",
    "left",
    "leaves",
    "embassy in",
    "based in",
    "hosted in",
    "held in",
    "landed in",
    "leave for",
    "leaves for",
    "leaving for",
    "left for",
    "depart for",
    "departs for",
    "departed for",
    "bound for",
    "headed for",
    "heading for",
)
#: Nouns that, right after a city name, make it the setting of something ("the Ankara talks").
LOCATIVE_AFTER = (
    "talks",
    "summit",
    "meeting",
    "meetings",
    "process",
    "format",
    "declaration",
    "airport",
    "-based",
    "based",
    "office",
    "residents",
    "metro",
    "municipality",
    "province",
    "university",
)
#: Words showing that "between X and Y" joins places, not governments (flights, roads, pipes).
ROUTE_WORDS = (
    "flight",
    "flights",
    "road",
    "roads",
    "railway",
    "railroad",
    "rail",
    "route",
    "routes",
    "highway",
    "bus",
    "train",
    "trains",
    "pipeline",
    "corridor",
    "crossing",
    "distance",
    "traffic",
    "travel",
)

#: Subjects that stand for earlier-named countries ("the two countries agreed").
#: Ordinals that number the meetings of a series ("the second meeting"), first to tenth.
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")

#: Plural nouns that, after "the", "both" or "the two" and at most one modifier, stand for the people or states
#: named before ("the two countries", "the Caucasus rivals", "both governments").
GROUP_NOUNS = (
    "countries",
    "nations",
    "states",
    "neighbors",
    "neighbours",
    "sides",
    "parties",
    "governments",
    "capitals",
    "rivals",
    "foes",
    "arch-foes",
    "enemies",
    "allies",
    "partners",
    "leaders",
    "presidents",
    "ministers",
    "diplomats",
    "envoys",
    "delegations",
    "pair",
)
#: Words that alone stand for the group named before.
GROUP_PRONOUNS = ("they", "both", "the two", "the pair")

#: Relation statuses (dipst: concepts) and the phrases that state them.
RELATION_CUES: tuple[tuple[str, str], ...] = (
    ("alliance", r"\b(?:allian(?:ce|ces)|allied relations|allies|ally)\b"),
    ("strategic-partnership", r"\bstrategic partner(?:ship|s)?\b"),
    (
        "diplomatic-relations",
        r"\bdiplomatic (?:relations|ties)\b[^.]{0,60}?\b(?:established|launched|since|anniversary)\b",
    ),
    (
        "diplomatic-relations",
        r"\b(?:established|establishment of|anniversary of (?:their|the)?)\s*diplomatic (?:relations|ties)\b",
    ),
    (
        "no-diplomatic-relations",
        r"\b(?:no|lack(?:s|ed)? of|without|never established|do not have|don't have|have not had)"
        r" (?:formal )?diplomatic (?:or \w+ )?(?:relations|ties)\b",
    ),
    ("severed", r"\b(?:relations|ties)\b[^.]{0,80}?\b(?:severed|cut off|broke off|broken off|suspended)\b"),
    (
        "border-closed",
        r"\bborders?\b[^.]{0,40}?\b(?:closed|shut|sealed)\b|"
        r"\b(?:closed|shut|sealed)(?: down)? (?:the |their |its )?"
        r"(?:land )?borders?\b",
    ),
    ("normalization-process", r"\bnormali[sz](?:ation|e|ing|ed)\b"),
    ("hostile", r"\b(?:hostile|hostility|arch-?foes|enmity|at odds)\b"),
)
