"""The search index of a release: every resource's names in an SQLite FTS5 table, built when it is published.

Each row is one name of one resource (its label, or an alternative name, or a quotation's words),
with the resource's class, the family that class belongs to (every event kind is an `Event`) and a
short description. Names are folded before indexing and before matching (case, accents, `ı`/`ß`…),
so "Türkiye", "TURKIYE" and "turkiye" find the same country; every word of a query is a prefix, so
"Pash" finds "Nikol Pashinyan" while it is being typed.

The index is a file of the release (`search.sqlite` beside `store/` and `dumps/`): it never changes
after publishing and the server opens it read-only.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import shutil
import sqlite3
import unicodedata
from collections.abc import Collection, Container, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.ids import DEFAULT_BASE, DIP

INDEX_FILE = "search.sqlite"
SCHEMA_VERSION = 1
INSERT_PIECE = 10_000  # resources written by one executemany

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# Predicates naming a resource, and the `match.type` a hit on each reports (Wikidata's words).
NAME_PREDICATES = (
    (RDFS + "label", "label"),
    (SKOS + "prefLabel", "label"),
    ("http://purl.org/dc/terms/title", "label"),
    ("http://xmlns.com/foaf/0.1/name", "label"),
    ("https://schema.org/name", "label"),
    (SKOS + "altLabel", "alias"),
    (str(DIP.demonym), "alias"),
    (str(DIP.quoteText), "text"),
)
# Which kinds of resource come first when names match equally well: the ones people look up.
TYPE_RANK = {
    "Person": 0,
    "Country": 0,
    "Organization": 1,
    "Place": 1,
    "Position": 2,
    "Agreement": 2,
    "InfrastructureProject": 2,
    "Event": 3,
    "Article": 4,
    "BilateralRelation": 5,
    "Quote": 6,
    "PositionHolding": 7,
    "Report": 9,
}
# Kinds left out of a search that names no type (their counts are still given, to ask for them).
HIDDEN_UNLESS_ASKED = ("Report",)
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "’": "'"})
_WORD = re.compile(r"[^\W_]+")

_RESOURCES = """
PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?type ?isEvent ?date ?issued ?publisher ?role (COUNT(DISTINCT ?in) AS ?links) WHERE {
  ?s a ?type . FILTER(isIRI(?s) && STRSTARTS(STR(?type), STR(dip:)))
  BIND(EXISTS { ?type rdfs:subClassOf* dip:Event } AS ?isEvent)
  OPTIONAL { ?s dip:date ?date } OPTIONAL { ?s <http://purl.org/dc/terms/issued> ?issued }
  OPTIONAL { ?s <http://purl.org/dc/terms/publisher> ?publisher } OPTIONAL { ?s dip:role ?role }
  OPTIONAL { ?in ?p ?s }
} GROUP BY ?s ?type ?isEvent ?date ?issued ?publisher ?role
"""


class SearchError(KGError):
    """A search the index cannot answer: no index, or a query with nothing to look for."""


@dataclass(frozen=True)
class Hit:
    """One resource found: its IRI, label, class, description and the name that matched."""

    iri: str
    label: str
    type: str
    family: str
    description: str
    match_type: str
    match_text: str
    lang: str


@dataclass(frozen=True)
class Results:
    """A page of hits, the number of all hits, and the number per class (before the class filter, reports included)."""

    hits: list[Hit]
    total: int
    by_type: dict[str, int]


def fold(text: str) -> str:
    """Return `text` in the form names are compared in: no accents, no case, `ı` → `i`."""
    if text.isascii():  # nothing to decompose (most names and all of most articles' text)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def query_words(text: str) -> list[str]:
    """Return the folded words of a search, each to be matched as a prefix."""
    return _WORD.findall(fold(text))


# --------------------------------------------------------------------------- building


def build_index(store: ox.Store, path: Path, base: str = DEFAULT_BASE) -> int:
    """Write the search index of the resources under `{base}id/` in `store` to `path`; return the resources."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    connection = sqlite3.connect(tmp)
    try:
        _create(connection)
        count = _insert(connection, _resources(store, base), 1)
        _finish(connection)
    finally:
        connection.close()
    tmp.replace(path)
    return count


def patch_index(
    previous: Path, store: ox.Store, path: Path, touched: Collection[str], base: str = DEFAULT_BASE
) -> bool:
    """Write to `path` the search index of `store` as the index `previous` with the rows of the resources in
    `touched` made again from `store` (a resource no longer typed there is dropped); return False, writing
    nothing, if `previous` is an index of another schema.

    `touched` must hold every resource whose statements, or whose incoming links, changed (kg/patch.py gives the
    subjects and objects of every statement of the graphs it replaced). Rows are found by IRI, and the search
    orders hits by IRI last, so where a resource's row sits does not change any answer.
    """
    with contextlib.closing(sqlite3.connect(f"{previous.resolve().as_uri()}?mode=ro", uri=True)) as old:
        if old.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return False
    tmp = path.with_name(path.name + ".tmp")
    shutil.copyfile(previous, tmp)
    connection = sqlite3.connect(tmp)
    try:
        iris = sorted(touched)
        for start in range(0, len(iris), INSERT_PIECE):
            piece = iris[start : start + INSERT_PIECE]
            marks = ", ".join("?" * len(piece))
            ids = f"SELECT id FROM resource WHERE iri IN ({marks})"
            # name_fts indexes `name` as external content: its rows are deleted with the values they indexed
            connection.execute(
                "INSERT INTO name_fts(name_fts, rowid, folded) "
                f"SELECT 'delete', id, folded FROM name WHERE resource IN ({ids})",
                piece,
            )
            connection.execute(f"DELETE FROM name WHERE resource IN ({ids})", piece)
            connection.execute(f"DELETE FROM resource WHERE iri IN ({marks})", piece)
        first = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM resource").fetchone()[0]
        _insert(connection, _resources(store, base, only=iris), first)
        _finish(connection)
    finally:
        connection.close()
    tmp.replace(path)
    return True


def _insert(connection: sqlite3.Connection, resources: Iterable[_Resource], first: int) -> int:
    """Insert `resources` with ids from `first` on, INSERT_PIECE at a time; return how many."""
    count = 0
    numbered = enumerate(resources, start=first)
    while piece := list(itertools.islice(numbered, INSERT_PIECE)):  # one statement call per piece, not per row
        connection.executemany(
            "INSERT INTO resource VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, r.iri, r.label, r.type, r.family, *r.rest) for i, r in piece],
        )
        connection.executemany(
            "INSERT INTO name (resource, text, folded, match, lang) VALUES (?, ?, ?, ?, ?)",
            [(i, text, fold(text), match, lang) for i, r in piece for text, match, lang in r.names],
        )
        count += len(piece)
    return count


def _finish(connection: sqlite3.Connection) -> None:
    connection.execute("INSERT INTO name_fts(name_fts) VALUES ('optimize')")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.commit()


def _create(connection: sqlite3.Connection) -> None:
    connection.executescript(
        """
        CREATE TABLE resource (id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, type TEXT, family TEXT,
                               description TEXT, rank INTEGER, links INTEGER);
        CREATE TABLE name (id INTEGER PRIMARY KEY, resource INTEGER REFERENCES resource(id), text TEXT,
                           folded TEXT, match TEXT, lang TEXT);
        CREATE INDEX name_resource ON name(resource);
        CREATE INDEX resource_type ON resource(type);
        CREATE VIRTUAL TABLE name_fts USING fts5(folded, content='name', content_rowid='id',
                                                 tokenize="unicode61 remove_diacritics 2");
        CREATE TRIGGER name_ai AFTER INSERT ON name BEGIN
          INSERT INTO name_fts(rowid, folded) VALUES (new.id, new.folded);
        END;
        """
    )


@dataclass
class _Resource:
    iri: str
    label: str
    type: str
    family: str
    rest: tuple  # description, rank, links
    names: list[tuple[str, str, str]]


def _resources(store: ox.Store, base: str, only: Collection[str] | None = None) -> Iterator[_Resource]:
    """Yield every typed resource under `{base}id/` (or those of `only`) with its names, most specific class first.

    Two bulk passes over the store: one query for the classes and facts of every resource, one scan per name
    predicate for the names of all of them (for `only`, lookups of theirs).
    """
    rows: dict[str, dict] = {}
    space = f"{base}id/"
    query = _RESOURCES
    if only is not None:
        wanted = " ".join(f"<{iri}>" for iri in only if iri.startswith(space) and ">" not in iri)
        query = _RESOURCES.replace("WHERE {", f"WHERE {{ VALUES ?s {{ {wanted} }}", 1)
    for row in store.query(query, use_default_graph_as_union=True):
        if not row["s"].value.startswith(space):
            continue
        entry = rows.setdefault(row["s"].value, {"types": {}, "links": 0, "facts": {}})
        name = row["type"].value[len(str(DIP)) :]
        entry["types"][name] = row["isEvent"].value == "true"
        entry["links"] = max(entry["links"], int(row["links"].value))
        for key in ("date", "issued", "publisher", "role"):
            if row[key] is not None:
                entry["facts"].setdefault(key, row[key].value)
    names_of = _all_names(store, rows) if only is None else _names_of(store, rows)
    from kg.web.describe import Labeller  # names nodes minted without a label (releases of older builds)

    labeller = Labeller(store, base=base)
    for iri, entry in sorted(rows.items()):
        kind = _most_specific(entry["types"])
        family = "Event" if entry["types"][kind] else kind
        names = _names(names_of.get(iri, ()))
        label = next((text for text, match, _ in names if match == "label"), None) or labeller.label(ox.NamedNode(iri))
        if not any(match == "label" for _, match, _ in names):
            names.insert(0, (label, "label", ""))
        description = describe(kind, family, entry["facts"])
        rank = TYPE_RANK.get(family, TYPE_RANK.get(kind, 8))
        yield _Resource(iri, label, kind, family, (description, rank, entry["links"]), names)


def _most_specific(types: dict[str, bool]) -> str:
    """Return the class to show: an event kind before `Event`, else the first by name."""
    return sorted(types, key=lambda name: (name == "Event", name))[0]


def _all_names(store: ox.Store, resources: Container[str]) -> dict[str, list[tuple[ox.Literal, str]]]:
    """Return the name literals of every resource in `resources` with their match type, by IRI.

    Each resource's names come in the order of NAME_PREDICATES and, for one predicate, in the store's order,
    as a lookup of that resource alone would give them.
    """
    found: dict[str, list[tuple[ox.Literal, str]]] = {}
    for predicate, match in NAME_PREDICATES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            if isinstance(quad.object, ox.Literal) and quad.subject.value in resources:
                found.setdefault(quad.subject.value, []).append((quad.object, match))
    return found


def _names_of(store: ox.Store, resources: Iterable[str]) -> dict[str, list[tuple[ox.Literal, str]]]:
    """Return the name literals of a few resources, as `_all_names` gives them, by looking each up."""
    found: dict[str, list[tuple[ox.Literal, str]]] = {}
    for iri in resources:
        for predicate, match in NAME_PREDICATES:
            for quad in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None):
                if isinstance(quad.object, ox.Literal):
                    found.setdefault(iri, []).append((quad.object, match))
    return found


def _names(literals: Iterable[tuple[ox.Literal, str]]) -> list[tuple[str, str, str]]:
    """Return the names of a resource as (text, match type, language), labels first, each once."""
    found: dict[tuple[str, str], str] = {}
    for literal, match in literals:
        if literal.value.strip():
            found.setdefault((" ".join(literal.value.split()), match), literal.language or "")
    ordered = sorted(found.items(), key=lambda item: (item[0][1] != "label", item[1] not in ("en", "")))
    labels = {text.casefold() for (text, match), _ in ordered if match == "label"}
    return [(text, match, lang) for (text, match), lang in ordered if match == "label" or text.casefold() not in labels]


def describe(kind: str, family: str, facts: dict[str, str]) -> str:
    """Return a short description of a resource: its kind in words and its date, role or publisher."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind).lower()
    words = words[:1].upper() + words[1:]
    parts = [words if family != "Event" or kind == "Event" else f"{words} (event)"]
    if facts.get("role"):
        parts.append(facts["role"])
    if facts.get("date"):
        parts.append(facts["date"])
    if facts.get("publisher"):
        parts.append(facts["publisher"])
    if facts.get("issued"):
        parts.append(facts["issued"])
    return ", ".join(parts)


# --------------------------------------------------------------------------- searching


class SearchIndex:
    """A release's search index, opened read-only for each search."""

    def __init__(self, path: Path):
        if not path.exists():
            raise SearchError(f"no search index at {path}; publish the release again with `kg build`")
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        connection.row_factory = sqlite3.Row
        return connection

    def search(self, text: str, types: tuple[str, ...] = (), limit: int = 10, offset: int = 0) -> Results:
        """Return the resources with a name whose words start with the words of `text`, best first."""
        words = query_words(text)
        if not words:
            raise SearchError("the search has no letters or digits to look for")
        match = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        whole = " ".join(words)
        with self._connect() as connection:
            prefix = whole.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
            hits = connection.execute(_SEARCH, {"match": match, "whole": whole, "prefix": prefix}).fetchall()
        best: dict[int, sqlite3.Row] = {}
        for row in hits:  # ordered best first: keep each resource's best-matching name
            best.setdefault(row["resource"], row)
        by_type: dict[str, int] = {}
        for row in best.values():
            by_type[row["type"]] = by_type.get(row["type"], 0) + 1
        if types:
            chosen = [row for row in best.values() if row["type"] in types or row["family"] in types]
        else:  # a report repeats the name of the fact it reports: listed only when asked for
            chosen = [row for row in best.values() if row["family"] not in HIDDEN_UNLESS_ASKED]
        page = [_hit(row) for row in chosen[offset : offset + limit]]
        return Results(page, len(chosen), dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))))

    def types(self) -> dict[str, str]:
        """Return every class in the index with the family it belongs to."""
        with self._connect() as connection:
            return dict(connection.execute("SELECT DISTINCT type, family FROM resource ORDER BY type").fetchall())

    def resources(self) -> Iterator[tuple[str, str]]:
        """Yield the IRI and class of every resource in the index, in IRI order."""
        with self._connect() as connection:
            yield from connection.execute("SELECT iri, type FROM resource ORDER BY iri")


# A name equal to the search comes first; then people, countries, organisations and places before
# events, articles and quotes that mention them; then a name starting with the search before one holding
# its words further on, labels before aliases and quoted words, the kinds people look up first, the most linked.
_SEARCH = """
SELECT n.resource, n.text, n.match, n.lang, r.iri, r.label, r.type, r.family, r.description,
       CASE WHEN n.folded = :whole THEN 0 WHEN n.folded LIKE :prefix ESCAPE '\\' THEN 1 ELSE 2 END AS closeness
FROM name_fts JOIN name n ON n.id = name_fts.rowid JOIN resource r ON r.id = n.resource
WHERE name_fts MATCH :match
ORDER BY closeness > 0, r.rank > 2, closeness, CASE n.match WHEN 'label' THEN 0 WHEN 'alias' THEN 1 ELSE 2 END,
         r.rank, r.links DESC, length(n.text), r.iri
"""


def _hit(row: sqlite3.Row) -> Hit:
    return Hit(
        iri=row["iri"],
        label=row["label"],
        type=row["type"],
        family=row["family"],
        description=row["description"],
        match_type=row["match"],
        match_text=row["text"],
        lang=row["lang"] or "en",
    )
