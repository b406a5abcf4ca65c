"""Curated reference entities (package data) and the gazetteer view the extractor matches against.

`entities.ttl` uses relative IRIs (`<id/person/hakan-fidan>`) and no `@base`, so one file serves every
deployment: it is parsed with the deployment's base IRI as `publicID`.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import resources

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg.ids import DEFAULT_BASE, DIP, slugify
from kg.terms import SCHEMA

REFERENCE_FILE = "entities.ttl"
STATES_FILE = "states.json"  # UN member and observer states, vendored from npm world-countries by `make vendor`

#: Ontology classes of reference entities → Extraction entity kinds (see kg.extract.model.ENTITY_KINDS).
_ENTITY_CLASSES = ("Country", "Person", "Place", "Organization", "Agreement", "InfrastructureProject")


def load_reference(base: str = DEFAULT_BASE) -> Graph:
    """Parse the curated reference graph with its relative IRIs resolved against `base`."""
    base = base if base.endswith("/") else base + "/"
    text = resources.files(__package__).joinpath(REFERENCE_FILE).read_text(encoding="utf-8")
    graph = Graph()
    graph.parse(data=text, format="turtle", publicID=base)
    return graph


def load_states() -> list[dict]:
    """Return the UN member and observer states of the vendored dataset (names, demonyms, capitals)."""
    text = resources.files(__package__).joinpath(STATES_FILE).read_text(encoding="utf-8")
    return json.loads(text)["states"]


def fold(text: str) -> str:
    """Return `text` without diacritics (Kılıç → Kilic, Türkiye → Turkiye), keeping case."""
    text = text.translate(str.maketrans({"ı": "i", "İ": "I"}))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def dash_variants(text: str) -> set[str]:
    """Return `text` with hyphens and en dashes used interchangeably."""
    return {text, text.replace("–", "-"), text.replace("-", "–")}


@dataclass(frozen=True)
class ReferenceEntity:
    """One curated entity as the extractor sees it."""

    key: str  # `{kind-segment}/{slug}`, e.g. `person/hakan-fidan`
    kind: str  # Country, Person, …, or an event class (War, MilitaryOperation, Event …) for named happenings
    label: str
    names: tuple[str, ...]  # label and alternative labels
    demonyms: tuple[str, ...] = ()
    capital: str | None = None
    located_in: str | None = None
    start: str | None = None  # known time span of a named happening (background knowledge)
    end: str | None = None
    participants: tuple[str, ...] = ()  # parties of a named happening or of an agreement
    signed: str | None = None  # signing date of an agreement
    curated: bool = True  # False: known only from the states dataset (names, no external IDs)


@dataclass(frozen=True)
class Holding:
    """A person holding an office from `start` until `end` (ISO dates, any precision; no `end`: still)."""

    holder: str
    position: str
    start: str | None
    end: str | None

    def covers(self, day: dt.date) -> bool:
        """Return whether this holding includes `day` (a partial date covers all its days)."""
        iso = day.isoformat()
        starts_before = self.start is None or self.start <= iso[: len(self.start)]
        ends_after = self.end is None or iso[: len(self.end)] <= self.end
        return starts_before and ends_after


@dataclass(frozen=True)
class Position:
    """An office such as "Minister of Foreign Affairs of Turkey"."""

    key: str
    label: str
    jurisdiction: str | None


@dataclass
class Gazetteer:
    """Names, demonyms, capitals and office tenures of the reference graph, indexed for matching."""

    entities: dict[str, ReferenceEntity] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)

    @classmethod
    def from_graph(cls, graph: Graph, base: str | None = None) -> Gazetteer:
        """Build the gazetteer from a reference graph (IRIs under `base`, guessed from the graph if None)."""
        base = base or _guess_base(graph)
        gazetteer = cls()
        key = _Keys(base)
        for node in set(graph.subjects(DIP.inReference, None)):
            kind = _kind(graph, node)
            if kind is None:
                continue
            if kind == "Position":
                jurisdiction = graph.value(node, DIP.jurisdiction)
                gazetteer.positions[key(node)] = Position(
                    key(node), str(graph.value(node, RDFS.label)), key(jurisdiction) if jurisdiction else None
                )
            elif kind == "PositionHolding":
                gazetteer.holdings.append(_holding(graph, node, key))
            else:
                gazetteer.entities[key(node)] = _entity(graph, node, kind, key)
        gazetteer.holdings.sort(key=lambda h: (h.position, h.start or ""))
        gazetteer.add_states(load_states())
        return gazetteer

    def add_states(self, states: list[dict]) -> None:
        """Know every state of `states` by its names and demonyms; curated countries gain the names they lack."""
        curated = {fold(name).casefold(): e for e in self.entities.values() if e.kind == "Country" for name in e.names}
        for state in states:
            names = (state["name"], *state["names"])
            demonyms = tuple(state["demonyms"]) + tuple(d + "s" for d in state["demonyms"] if d.endswith("n"))
            known = next((curated[fold(n).casefold()] for n in names if fold(n).casefold() in curated), None)
            if known is None:
                key = f"country/{slugify(state['name'])}"
                self.entities[key] = ReferenceEntity(key, "Country", state["name"], names, demonyms, curated=False)
            else:
                self.entities[known.key] = replace(
                    known,
                    names=tuple(dict.fromkeys((*known.names, *names))),
                    demonyms=tuple(dict.fromkeys((*known.demonyms, *demonyms))),
                )

    def surface_forms(self) -> dict[str, set[str]]:
        """Map every surface form (labels, alt labels and their spelling variants) to entity keys.

        Variants: accents folded, hyphen/en dash, straight/curly apostrophe, and for named
        happenings, agreements and projects a lower-case first word ("the dissolution of …").
        """
        forms: dict[str, set[str]] = {}
        for entity in self.entities.values():
            common_noun = entity.kind not in ("Country", "Person", "Place", "Organization")
            for name in entity.names:
                variants = {name, fold(name)}
                if common_noun and name[:1].isupper() and not name.split()[0].isupper():
                    variants |= {v[0].lower() + v[1:] for v in variants}
                variants |= {v.replace("'", "’") for v in variants} | {v.replace("’", "'") for v in variants}
                for variant in variants:
                    for form in dash_variants(variant):
                        forms.setdefault(form, set()).add(entity.key)
        return forms

    def demonyms(self) -> dict[str, str]:
        """Map each demonym ("Turkish") and its folded form to its country key; one two states share names neither."""
        keys: dict[str, set[str]] = {}
        for entity in self.entities.values():
            for demonym in entity.demonyms:
                for form in {demonym, fold(demonym)}:
                    keys.setdefault(form, set()).add(entity.key)
        return {form: next(iter(owners)) for form, owners in keys.items() if len(owners) == 1}

    def capitals(self) -> dict[str, str]:
        """Map each capital city key to the key of the country it is the capital of."""
        return {e.capital: e.key for e in self.entities.values() if e.capital}

    def holders(self, position: str, on: dt.date) -> list[str]:
        """Return the keys of the people holding `position` on the day `on`."""
        return [h.holder for h in self.holdings if h.position == position and h.covers(on)]

    def states_of(self, person: str) -> set[str]:
        """Return the countries whose offices a person held (a minister stands for his state)."""
        out = set()
        for holding in self.offices_of(person):
            position = self.positions.get(holding.position)
            if position and position.jurisdiction and position.jurisdiction.startswith("country/"):
                out.add(position.jurisdiction)
        return out

    def offices_of(self, person: str) -> list[Holding]:
        """Return the holdings of one person."""
        return [h for h in self.holdings if h.holder == person]


class _Keys:
    """Turn reference IRIs into extraction keys (`{kind-segment}/{slug}`)."""

    def __init__(self, base: str):
        self.prefix = base + "id/"

    def __call__(self, node) -> str:
        text = str(node)
        return text[len(self.prefix) :] if text.startswith(self.prefix) else text


def _guess_base(graph: Graph) -> str:
    for node in graph.subjects(DIP.inReference, None):
        text = str(node)
        if "/id/" in text:
            return text[: text.index("/id/") + 1]
    return DEFAULT_BASE


def _kind(graph: Graph, node) -> str | None:
    types = {str(t)[len(str(DIP)) :] for t in graph.objects(node, RDF.type) if str(t).startswith(str(DIP))}
    for name in (*_ENTITY_CLASSES, "Position", "PositionHolding"):
        if name in types:
            return name
    return sorted(types)[0] if types else None


def _entity(graph: Graph, node: URIRef, kind: str, key: _Keys) -> ReferenceEntity:
    label = str(graph.value(node, RDFS.label))
    alts = sorted(str(a) for a in graph.objects(node, SKOS.altLabel))
    capital = graph.value(node, DIP.capital)
    located = graph.value(node, DIP.locatedIn)
    start, end = graph.value(node, SCHEMA.startDate), graph.value(node, SCHEMA.endDate)
    return ReferenceEntity(
        key=key(node),
        kind=kind,
        label=label,
        names=(label, *alts),
        demonyms=tuple(sorted(str(d) for d in graph.objects(node, DIP.demonym))),
        capital=key(capital) if capital else None,
        located_in=key(located) if located else None,
        start=str(start) if start else None,
        end=str(end) if end else None,
        participants=tuple(
            sorted({key(p) for predicate in (DIP.participant, DIP.party) for p in graph.objects(node, predicate)})
        ),
        signed=str(graph.value(node, DIP.signingDate)) if graph.value(node, DIP.signingDate) else None,
    )


def _holding(graph: Graph, node: URIRef, key: _Keys) -> Holding:
    start, end = graph.value(node, DIP.startDate), graph.value(node, DIP.endDate)
    return Holding(
        holder=key(graph.value(node, DIP.holder)),
        position=key(graph.value(node, DIP.position)),
        start=str(start) if start else None,
        end=str(end) if end else None,
    )
