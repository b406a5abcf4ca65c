"""The search index built in bulk passes holds the rows a lookup of each resource alone gives."""

from __future__ import annotations

import sqlite3

import pyoxigraph as ox
import pytest

from kg.ids import DEFAULT_BASE
from kg.search import INDEX_FILE, NAME_PREDICATES, _names, build_index
from tests.search_fixture import publish_search_fixture


def rows(path) -> dict[str, list]:
    """Return every row of an index, resources with their names, in a comparable form."""
    with sqlite3.connect(path) as connection:
        resources = connection.execute("SELECT id, iri, label, type, family, description, rank, links FROM resource")
        names = connection.execute("SELECT resource, text, folded, match, lang FROM name ORDER BY id").fetchall()
        by_id = {row[0]: row[1:] for row in resources}
    return {
        "resources": sorted(by_id.values()),
        "names": [(by_id[resource][0], *rest) for resource, *rest in names],
    }


def names_one_at_a_time(store: ox.Store, iri: str) -> list[tuple[str, str, str]]:
    """Return the names of one resource looked up alone, one pattern per name predicate (the first way)."""
    node = ox.NamedNode(iri)
    literals = [
        (quad.object, match)
        for predicate, match in NAME_PREDICATES
        for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
        if isinstance(quad.object, ox.Literal)
    ]
    return _names(literals)


@pytest.fixture(scope="module")
def seed_stores(seed_release):
    return ox.Store.read_only(str(seed_release / "store")), ox.Store.read_only(str(seed_release / "union-store"))


def test_the_published_index_is_the_index_of_the_named_store(seed_release, seed_stores, tmp_path):
    build_index(seed_stores[0], tmp_path / INDEX_FILE, DEFAULT_BASE)
    assert rows(tmp_path / INDEX_FILE) == rows(seed_release / INDEX_FILE)


def test_every_resource_has_the_names_a_lookup_of_it_alone_finds(seed_release, seed_stores):
    index = rows(seed_release / INDEX_FILE)
    by_resource: dict[str, list] = {}
    for iri, text, _, match, lang in index["names"]:
        by_resource.setdefault(iri, []).append((text, match, lang))
    assert len(by_resource) == len(index["resources"]) > 100
    for iri, label, *_ in index["resources"]:
        for store in seed_stores:
            expected = names_one_at_a_time(store, iri)
            if not any(match == "label" for _, match, _ in expected):
                expected.insert(0, (label, "label", ""))
            assert by_resource[iri] == expected, iri


def test_the_search_fixture_indexes_the_same_from_either_store(tmp_path):
    release = publish_search_fixture(tmp_path / "data")
    for store in ("store", "union-store"):
        build_index(ox.Store.read_only(str(release / store)), tmp_path / f"{store}.sqlite")
        assert rows(tmp_path / f"{store}.sqlite") == rows(release / INDEX_FILE), store
