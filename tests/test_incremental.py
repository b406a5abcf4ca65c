"""`kg add` and `kg remove`: the live release changed one article at a time, equal to a build from scratch."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from kg import config, incremental, patch
from kg.build import run_build
from kg.cli import main
from kg.errors import KGError
from kg.incremental import CACHE, CACHE_VERSION, INDEX, read_cache, run_add, run_remove
from kg.publish import current_release
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def settings(data_dir: Path) -> dict:
    return config.load({"DATA_DIR": str(data_dir)}, environ={})


def folder_of(tmp: Path, name: str, files: list[Path]) -> Path:
    out = tmp / name
    out.mkdir()
    for f in files:
        shutil.copy(f, out / f.name)
    return out


def graphs(dataset) -> dict[str, object]:
    """Every named graph but the build's own provenance (its times and identifier differ by build)."""
    return {str(g.identifier): g for g in dataset.graphs() if not str(g.identifier).endswith("/graph/build") and len(g)}


def assert_same_graph(a, b) -> None:
    left, right = graphs(a), graphs(b)
    assert left.keys() == right.keys()
    different = [name for name in left if not isomorphic(left[name], right[name])]
    assert not different, different


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """The seeds built from scratch: the graph every sequence of adds and removes must come to."""
    data = tmp_path_factory.mktemp("full")
    outcome = run_build([SEEDS], settings(data))
    assert outcome.exit_code == 0
    return outcome


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """Three seeds built, then the other two added: the data folder and the add's outcome."""
    tmp = tmp_path_factory.mktemp("grown")
    first, rest = folder_of(tmp, "first", SEED_FILES[:3]), folder_of(tmp, "rest", SEED_FILES[3:])
    data = tmp / "data"
    assert run_build([first], settings(data)).exit_code == 0
    outcome = run_add([rest], settings(data))
    assert outcome.exit_code == 0 and outcome.release is not None
    return data, outcome


def test_articles_added_to_a_release_give_the_graph_a_build_of_all_of_them_gives(full, grown):
    _, added = grown
    assert_same_graph(added.dataset, full.dataset)


def test_the_release_keeps_every_article_s_extraction(grown):
    data, _ = grown
    kept = read_cache(current_release(data))
    assert sorted(kept) == sorted(f.stem for f in SEED_FILES)


def test_adding_what_is_there_changes_nothing(grown, tmp_path):
    data, _ = grown
    live = current_release(data)
    again = run_add([folder_of(tmp_path, "again", SEED_FILES[3:])], settings(data))
    assert again.nothing_changed and again.exit_code == 0 and again.unchanged == 2
    assert current_release(data) == live  # no new release


def test_adding_what_is_there_reads_no_kept_extraction(grown, tmp_path, monkeypatch):
    data, _ = grown

    def refuse(*_):
        raise AssertionError("an extraction was read")

    monkeypatch.setattr(incremental.pickle, "load", refuse)
    again = run_add([folder_of(tmp_path, "again", SEED_FILES[:2])], settings(data))
    assert again.nothing_changed and again.unchanged == 2


def test_the_extractions_of_unchanged_articles_are_linked_from_the_live_release(grown):
    data, _ = grown
    new, old = sorted((data / "releases").iterdir())[-2:][::-1]
    new_index, old_index = incremental.read_index(new), incremental.read_index(old)
    assert set(old_index) < set(new_index)
    for identifier, entry in old_index.items():
        kept = (new / CACHE / new_index[identifier]["file"]).stat()
        assert kept.st_ino == (old / CACHE / entry["file"]).stat().st_ino
    added = [i for i in new_index if i not in old_index]
    assert all((new / CACHE / new_index[i]["file"]).stat().st_nlink == 1 for i in added)
    assert sorted(read_cache(new)) == sorted(f.stem for f in SEED_FILES)


def test_a_changed_article_replaces_its_graph(tmp_path):
    changed = folder_of(tmp_path, "changed", SEED_FILES)
    target = changed / SEED_FILES[-1].name
    added = "\nThe two foreign ministers met again in Ankara.\n"
    target.write_text(target.read_text(encoding="utf-8") + added, "utf-8")
    scratch = run_build([changed], settings(tmp_path / "scratch"))
    data = tmp_path / "data"
    assert run_build([SEEDS], settings(data)).exit_code == 0
    replaced = run_add([target], settings(data))
    assert replaced.exit_code == 0 and replaced.unchanged == 0
    assert_same_graph(replaced.dataset, scratch.dataset)


def test_a_removed_article_leaves_the_graph_a_build_without_it_gives(tmp_path):
    data = tmp_path / "data"
    assert run_build([SEEDS], settings(data)).exit_code == 0
    removed = run_remove([SEED_FILES[0].stem], settings(data))
    without = run_build([folder_of(tmp_path, "without", SEED_FILES[1:])], settings(tmp_path / "scratch"))
    assert removed.exit_code == 0
    assert_same_graph(removed.dataset, without.dataset)


def test_removing_an_unknown_article_names_it_and_changes_nothing(grown, capsys):
    data, _ = grown
    live = current_release(data)
    assert main(["remove", "no-such-article", "--data-dir", str(data)]) == 2
    assert "no article 'no-such-article'" in capsys.readouterr().err
    assert current_release(data) == live


def test_adding_before_anything_is_published_says_to_build_first(tmp_path):
    with pytest.raises(KGError, match="run `kg build` first"):
        run_add([SEED_FILES[0]], settings(tmp_path / "empty"))


def test_a_release_without_kept_extractions_asks_for_one_build(grown, tmp_path):
    data, _ = grown
    copy = tmp_path / "copy"
    shutil.copytree(data, copy, symlinks=True)
    live = current_release(copy)
    shutil.rmtree(live / CACHE)
    with pytest.raises(KGError, match="keeps no extractions"):
        run_add([SEED_FILES[0]], settings(copy))


def test_a_release_keeping_extractions_of_another_format_asks_for_one_build(grown, tmp_path):
    """A release whose kept extractions another version of the program wrote is never unpickled, and nothing changes."""
    data, _ = grown
    copy = tmp_path / "copy"
    shutil.copytree(data, copy, symlinks=True)
    live = current_release(copy)
    index_file = live / CACHE / INDEX
    index = json.loads(index_file.read_text("utf-8"))
    index["version"] = CACHE_VERSION - 1
    index_file.write_text(json.dumps(index), "utf-8")
    with pytest.raises(KGError, match="extractions of another format; run `kg build` once"):
        run_add([SEED_FILES[0]], settings(copy))
    assert current_release(copy) == live


# --- the stores of a release patched from the live release's (kg/patch.py) ---------------------------------------


def _store_contents(release: Path) -> tuple[Counter, Counter]:
    """Return the statements of a release's named store and the triples of its union-store, blank nodes as `_`,
    without the build's own graph (its times and identifier differ by build)."""
    import pyoxigraph as ox

    def term(node):
        return "_" if isinstance(node, ox.BlankNode) else node

    named = ox.Store.read_only(str(release / "store"))
    union = ox.Store.read_only(str(release / "union-store"))
    build = ox.NamedNode(f"{config.DEFAULTS['BASE_IRI']}graph/build")
    own = {q.triple for q in named.quads_for_pattern(None, None, None, build)}
    quads = Counter(
        tuple(map(term, (q.subject, q.predicate, q.object, q.graph_name))) for q in named if q.graph_name != build
    )
    triples = Counter(tuple(map(term, (q.subject, q.predicate, q.object))) for q in union if q.triple not in own)
    return quads, triples


def _shares_table_files(release: Path, previous: Path) -> bool:
    """Return whether a release's stores link table files of `previous`'s (made by patching them)."""
    inodes = {p.stat().st_ino for name in ("store", "union-store") for p in (previous / name).glob("*.sst")}
    return any(p.stat().st_ino in inodes for name in ("store", "union-store") for p in (release / name).glob("*.sst"))


@pytest.fixture
def patching(monkeypatch):
    """Patch the stores whatever share of the statements changed (on five articles every change is a big share)."""
    monkeypatch.setattr(patch, "PATCH_SHARE", 1.0)


def test_an_add_patches_the_live_stores_into_what_loading_every_statement_gives(full, patching, tmp_path):
    data = tmp_path / "data"
    assert run_build([folder_of(tmp_path, "first", SEED_FILES[:3])], settings(data)).exit_code == 0
    live = current_release(data)
    added = run_add([folder_of(tmp_path, "rest", SEED_FILES[3:])], settings(data))
    assert added.exit_code == 0
    assert _shares_table_files(added.release, live)
    assert _store_contents(added.release) == _store_contents(full.release)
    assert (live / "store").is_dir() and _store_contents(live) != _store_contents(full.release)  # left as it was


def test_a_remove_patches_the_live_stores_into_those_of_a_build_without_the_article(full, patching, tmp_path):
    data = tmp_path / "data"
    assert run_build([SEEDS], settings(data)).exit_code == 0
    live = current_release(data)
    removed = run_remove([SEED_FILES[0].stem], settings(data))
    without = run_build([folder_of(tmp_path, "without", SEED_FILES[1:])], settings(tmp_path / "scratch"))
    assert removed.exit_code == 0 and _shares_table_files(removed.release, live)
    assert _store_contents(removed.release) == _store_contents(without.release)
    assert _store_contents(live) == _store_contents(full.release)


def test_a_live_release_without_graph_digests_is_loaded_whole_to_the_same_stores(full, patching, tmp_path):
    data = tmp_path / "data"
    assert run_build([folder_of(tmp_path, "first", SEED_FILES[:3])], settings(data)).exit_code == 0
    live = current_release(data)
    (live / patch.STATEMENTS_INDEX).unlink()  # as a release written before the digests were kept
    added = run_add([folder_of(tmp_path, "rest", SEED_FILES[3:])], settings(data))
    assert added.exit_code == 0 and not _shares_table_files(added.release, live)
    assert _store_contents(added.release) == _store_contents(full.release)


def test_the_stores_are_loaded_whole_when_the_changed_graphs_hold_a_large_share(tmp_path):
    data = tmp_path / "data"
    assert run_build([folder_of(tmp_path, "first", SEED_FILES[:3])], settings(data)).exit_code == 0
    live = current_release(data)
    added = run_add([folder_of(tmp_path, "rest", SEED_FILES[3:])], settings(data))  # two articles of five
    assert added.exit_code == 0 and not _shares_table_files(added.release, live)


def _index_rows(release: Path) -> tuple[list, list]:
    """Return the rows of a release's search index by IRI (ids aside) and its answers to a few searches."""
    import sqlite3

    from kg.search import INDEX_FILE, SearchIndex

    with sqlite3.connect(release / INDEX_FILE) as connection:
        resources = connection.execute(
            "SELECT iri, label, type, family, description, rank, links FROM resource ORDER BY iri"
        ).fetchall()
        names = connection.execute(
            "SELECT r.iri, n.text, n.folded, n.match, n.lang FROM name n JOIN resource r ON r.id = n.resource "
            "ORDER BY r.iri, n.match, n.text"
        ).fetchall()
    index = SearchIndex(release / INDEX_FILE)
    answers = [index.search(text, limit=50) for text in ("Armenia", "pash", "türkiye", "talks", "Fidan")]
    return [r for r in resources if "/id/build/" not in r[0]], [names, answers]


def test_an_add_patches_the_live_search_index_into_the_index_a_build_makes(full, patching, tmp_path):
    data = tmp_path / "data"
    assert run_build([folder_of(tmp_path, "first", SEED_FILES[:3])], settings(data)).exit_code == 0
    live = current_release(data)
    added = run_add([folder_of(tmp_path, "rest", SEED_FILES[3:])], settings(data))
    assert added.exit_code == 0 and _shares_table_files(added.release, live)  # the patch path
    assert _index_rows(added.release) == _index_rows(full.release)
    removed = run_remove([SEED_FILES[3].stem, SEED_FILES[4].stem], settings(data))
    assert removed.exit_code == 0
    assert _index_rows(removed.release) == _index_rows(live)
