"""The pipeline end to end and the publishing gate, through the `kg` command."""

from __future__ import annotations

import json
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef

from kg import build as build_module
from kg.cli import main
from kg.ids import DIP
from kg.publish import current_release
from tests.conftest import ROOT, SEEDS


def run(*args: str) -> int:
    return main(list(args))


def test_seed_build_publishes_every_article(seed_release):
    store = ox.Store.read_only(str(seed_release / "store"))
    identifiers = {
        row["id"].value
        for row in store.query(
            "SELECT ?id { ?a a <https://w3id.org/diplomacy-kg/ontology#Article> ; "
            "<http://purl.org/dc/terms/identifier> ?id }",
            use_default_graph_as_union=True,
        )
    }
    assert identifiers == {p.stem for p in SEEDS.glob("*.txt")}


def test_build_records_provenance(seed_release):
    store = ox.Store.read_only(str(seed_release / "store"))
    ask = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> ASK { GRAPH ?g { ?b a prov:Activity ; prov:startedAtTime ?t ;"
        " prov:endedAtTime ?e ; prov:used ?article ; prov:wasAssociatedWith ?agent . } }"
    )
    assert bool(ask)


def test_rebuilding_the_same_input_gives_the_same_iris(seed_release, tmp_path):
    assert run("build", str(SEEDS), "--data-dir", str(tmp_path)) == 0
    again = ox.Store.read_only(str(current_release(tmp_path) / "store"))
    first = ox.Store.read_only(str(seed_release / "store"))
    query = "SELECT DISTINCT ?s { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && !CONTAINS(STR(?g), '/graph/build')) }"
    assert {r[0] for r in again.query(query)} == {r[0] for r in first.query(query)}


def test_unreadable_article_stops_publishing_unless_keep_going(tmp_path, capsys):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text("published: 2024-05-02\n\nArmenia and Azerbaijan held talks.", "utf-8")
    (articles / "bad.txt").write_bytes(b"\xff\xfe not text")
    data = tmp_path / "data"
    assert run("build", str(articles), "--data-dir", str(data)) == 2
    assert "bad.txt" in capsys.readouterr().err
    assert current_release(data) is None
    assert run("build", str(articles), "--data-dir", str(data), "--keep-going") == 2
    assert current_release(data) is not None


BROKEN_SEED = "000_c5c4a0f7f48c0c1c"


def break_a_seed(monkeypatch) -> None:
    """Make the mapping give the seed BROKEN_SEED, whenever it is among the articles, a malformed event."""
    real = build_module.map_extractions

    def with_a_broken_event(extractions, *args, **kwargs) -> Dataset:
        dataset = real(extractions, *args, **kwargs)
        if any(x.article.identifier == BROKEN_SEED for x in extractions):
            graph = dataset.graph(URIRef("https://w3id.org/diplomacy-kg/graph/article/000-c5c4a0f7f48c0c1c"))
            event = URIRef("https://w3id.org/diplomacy-kg/id/event/broken")
            graph.add((event, URIRef(str(DIP.date)), Literal("27 August")))  # not a date: a violation
            graph.add((event, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), DIP.Meeting))
        return dataset

    monkeypatch.setattr(build_module, "map_extractions", with_a_broken_event)


def test_with_strict_a_graph_that_violates_the_shapes_is_not_published_and_the_old_one_stays(
    tmp_path, monkeypatch, capsys
):
    data = tmp_path / "data"
    assert run("build", str(SEEDS), "--data-dir", str(data)) == 0
    live = current_release(data)
    manifest = (live / "dumps" / "manifest.json").read_text()
    break_a_seed(monkeypatch)
    assert run("build", str(SEEDS), "--data-dir", str(data), "--strict") == 1
    err = capsys.readouterr().err
    assert "does NOT conform" in err
    assert current_release(data) == live
    assert (live / "dumps" / "manifest.json").read_text() == manifest
    failed = list((data / "failed").iterdir())
    assert len(failed) == 1 and (failed[0] / "validation-report.ttl").exists()


def test_a_seed_whose_graph_violates_is_held_back_and_the_other_seeds_publish(tmp_path, monkeypatch, capsys):
    break_a_seed(monkeypatch)
    assert run("build", str(SEEDS), "--data-dir", str(tmp_path)) == 3
    assert f"held back {BROKEN_SEED}: " in capsys.readouterr().err
    manifest = json.loads((current_release(tmp_path) / "dumps" / "manifest.json").read_text())
    assert [entry["article"] for entry in manifest["heldBack"]] == [BROKEN_SEED]
    assert len([g for g in manifest["graphs"] if "/graph/article/" in g]) == len(list(SEEDS.glob("*.txt"))) - 1


def test_validate_command_checks_an_rdf_file(seed_release, tmp_path, capsys):
    assert run("validate", str(seed_release / "dumps" / "kg.trig")) == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix dip: <https://w3id.org/diplomacy-kg/ontology#> .\n"
        '<https://example.org/e> a dip:Meeting ; dip:date "soon" .\n',
        "utf-8",
    )
    assert run("validate", str(bad)) == 1
    assert "https://example.org/e" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "xml"])
def test_query_command_prints_results(seed_data_dir, capsysbinary, fmt):
    code = run("query", "SELECT (COUNT(*) AS ?n) { ?s a ?k }", "--data-dir", str(seed_data_dir), "--format", fmt)
    assert code == 0
    out = capsysbinary.readouterr().out.decode()
    assert "n" in out and any(ch.isdigit() for ch in out)


def test_query_command_reports_a_syntax_error(seed_data_dir, capsys):
    assert run("query", "SELEC nonsense", "--data-dir", str(seed_data_dir)) == 2
    assert "syntax error" in capsys.readouterr().err


def test_query_before_any_build_says_what_to_do(tmp_path, capsys):
    assert run("query", "ASK {}", "--data-dir", str(tmp_path)) == 2
    assert "kg build" in capsys.readouterr().err


def test_stats_counts_classes_articles_and_graphs(seed_data_dir, capsys):
    assert run("stats", "--json", "--data-dir", str(seed_data_dir)) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["quads"] > 0
    assert figures["classes"]["https://w3id.org/diplomacy-kg/ontology#Article"] == 5
    assert len(figures["articles"]) == 5
    assert any(g.endswith("/graph/reference") for g in figures["graphs"])


def test_export_writes_the_dump(seed_data_dir, tmp_path):
    out = tmp_path / "kg.nt"
    assert run("export", "--format", "ntriples", "-o", str(out), "--data-dir", str(seed_data_dir)) == 0
    store = ox.Store()
    store.load(out.read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) > 100


def test_every_command_has_help_and_is_in_the_readme(capsys):
    import argparse

    from kg.cli import _parser

    readme = (SEEDS.parent / "README.md").read_text("utf-8")
    (subcommands,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(subcommands.choices) >= {"build", "validate", "query", "stats", "export"}
    for command in subcommands.choices:
        with pytest.raises(SystemExit) as exit_info:
            run(command, "--help")
        assert exit_info.value.code == 0
        assert len(capsys.readouterr().out) > 200
        assert f"kg {command}" in readme


@pytest.mark.parametrize("name", ["kg.trig", "kg.nq", "kg.jsonld", "kg.ttl", "kg.nt"])
def test_every_seed_dump_reparses_to_the_statements_of_the_store(seed_release, name):
    from rdflib import Dataset as RdflibDataset

    from kg.publish import DUMP_FORMATS

    fmt = next(f for f in DUMP_FORMATS if f.filename == name)
    store = ox.Store.read_only(str(seed_release / "store"))
    expected = len(store) if fmt.named_graphs else len({(q.subject, q.predicate, q.object) for q in store})
    data = (seed_release / "dumps" / name).read_bytes()
    parsed = RdflibDataset()
    parsed.parse(data=data, format={"kg.trig": "trig", "kg.nq": "nquads", "kg.jsonld": "json-ld"}.get(name, name[3:]))
    assert sum(1 for _ in parsed.quads()) == expected
    again = ox.Store()
    again.load(data, format=fmt.rdf_format)
    assert len(again) == expected
    # Written from the statements file, not from the store: the same statements (blank nodes get new names).
    assert _without_blank_names(again, fmt.named_graphs) == _without_blank_names(store, fmt.named_graphs)
    manifest = json.loads((seed_release / "dumps" / "manifest.json").read_text())
    assert next(f for f in manifest["files"] if f["name"] == name)["statements"] == expected


def _without_blank_names(store: ox.Store, named_graphs: bool) -> Counter:
    """Return the statements of `store` (or their triples, each once) with every blank node as `_`, counted."""

    def term(node):
        return "_" if isinstance(node, ox.BlankNode) else node

    statements = set(store) if named_graphs else {q.triple for q in store}
    return Counter(
        tuple(term(t) for t in (s.subject, s.predicate, s.object, getattr(s, "graph_name", None))) for s in statements
    )


def test_a_bad_setting_is_an_error_with_exit_code_2_not_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KG_MAX_ARTICLE_BYTES", "lots")
    assert run("stats", "--data-dir", str(tmp_path)) == 2
    assert "KG_MAX_ARTICLE_BYTES='lots': expected a whole number" in capsys.readouterr().err


def test_build_with_no_readable_article_says_so(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert run("build", str(tmp_path / "empty"), "--data-dir", str(tmp_path / "data")) == 2
    assert "no article could be read" in capsys.readouterr().err
    assert current_release(tmp_path / "data") is None


def test_build_reads_the_seeds_setting_when_given_no_path(tmp_path, monkeypatch, capsys):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "only.txt").write_text("published: 2024-05-02\n\nArmenia and Azerbaijan held talks.", "utf-8")
    monkeypatch.setenv("KG_SEEDS", str(articles))
    assert run("build", "--data-dir", str(tmp_path / "data")) == 0
    assert run("stats", "--json", "--data-dir", str(tmp_path / "data")) == 0
    assert list(json.loads(capsys.readouterr().out)["articles"]) == ["only"]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (None, b"true\n"),
        ("table", b"true\n"),
        ("json", b'{"head":{},"boolean":true}\n'),
        ("csv", b"true\n"),
        ("tsv", b"true\n"),
        ("xml", b"<boolean>true</boolean></sparql>\n"),
    ],
)
def test_ask_answers_in_every_result_format(seed_data_dir, capsysbinary, fmt, expected):
    options = ["--format", fmt] if fmt else []
    assert run("query", "ASK { ?s a ?k }", "--data-dir", str(seed_data_dir), *options) == 0
    assert capsysbinary.readouterr().out.endswith(expected)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [(None, "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_construct_prints_rdf_in_the_chosen_format(seed_data_dir, capsysbinary, fmt, rdflib_format):
    from rdflib import Graph

    query = "CONSTRUCT { ?a a ?k } WHERE { ?a a <https://w3id.org/diplomacy-kg/ontology#Article> ; a ?k }"
    options = ["--format", fmt] if fmt else []
    assert run("query", query, "--data-dir", str(seed_data_dir), *options) == 0
    graph = Graph().parse(data=capsysbinary.readouterr().out, format=rdflib_format)
    assert len(set(graph.subjects(predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")))) == 5


@pytest.mark.parametrize(
    ("query", "fmt", "form"),
    [("SELECT * { ?s ?p ?o } LIMIT 1", "turtle", "SELECT/ASK"), ("CONSTRUCT WHERE { ?s ?p ?o }", "csv", "CONSTRUCT")],
)
def test_a_format_that_does_not_fit_the_query_form_is_refused(seed_data_dir, capsys, query, fmt, form):
    assert run("query", query, "--format", fmt, "--data-dir", str(seed_data_dir)) == 2
    err = capsys.readouterr().err
    assert f"--format {fmt} does not fit a {form}" in err


def test_query_from_a_missing_file_names_it(seed_data_dir, tmp_path, capsys):
    assert run("query", "-f", str(tmp_path / "nope.rq"), "--data-dir", str(seed_data_dir)) == 2
    assert "nope.rq: cannot read the query" in capsys.readouterr().err


def test_export_into_a_missing_folder_is_an_error_naming_it(seed_data_dir, tmp_path, capsys):
    target = tmp_path / "no" / "such" / "kg.ttl"
    assert run("export", "--format", "turtle", "-o", str(target), "--data-dir", str(seed_data_dir)) == 2
    assert str(target) in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "ntriples", "jsonld"])
def test_export_writes_each_format_as_its_dump(seed_release, seed_data_dir, capsysbinary, fmt):
    names = {"trig": "kg.trig", "nquads": "kg.nq", "turtle": "kg.ttl", "ntriples": "kg.nt", "jsonld": "kg.jsonld"}
    assert run("export", "--format", fmt, "--data-dir", str(seed_data_dir)) == 0
    assert capsysbinary.readouterr().out == (seed_release / "dumps" / names[fmt]).read_bytes()


def test_validate_a_gzipped_dump(seed_release):
    assert run("validate", str(seed_release / "dumps" / "kg.nq.gz")) == 0


def test_validate_takes_an_rdf_file_only_alone(seed_release, capsys):
    assert run("validate", str(seed_release / "dumps" / "kg.trig"), str(SEEDS)) == 2
    assert "an RDF file is validated alone" in capsys.readouterr().err


def test_validate_checks_the_readable_articles_and_reports_the_unreadable(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("published: 2024-05-02\n\nArmenia and Azerbaijan held talks.", "utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe not text")
    assert run("validate", str(tmp_path), "--data-dir", str(tmp_path / "data")) == 2
    err = capsys.readouterr().err
    assert "bad.txt:1: not valid UTF-8" in err
    assert "conforms: 0 violations" in err
    assert not (tmp_path / "data" / "current").exists()


def test_the_published_validation_report_is_readable_and_names_its_articles(seed_release):
    dumps = seed_release / "dumps"
    text = (dumps / "validation-report.txt").read_text("utf-8").splitlines()
    assert text[0].startswith("conforms: 0 violations, ")
    assert any(line.endswith("(from article 000_c5c4a0f7f48c0c1c)") for line in text[1:])
    warning = next(line for line in text[1:] if "dcterms:issued" in line)
    assert warning.startswith("Warning") and "<https://w3id.org/diplomacy-kg/id/article/" in warning
    report = ox.Store()
    report.load(path=str(dumps / "validation-report.ttl"), format=ox.RdfFormat.TURTLE)
    results = list(report.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/shacl#focusNode"), None))
    derived = list(report.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    assert len(results) == len(text) - 1
    assert {q.subject for q in derived} == {q.subject for q in results}
    manifest = json.loads((dumps / "manifest.json").read_text())
    assert {"validation-report.ttl", "validation-report.txt"} <= {f["name"] for f in manifest["files"]}


KILLED_BUILD = """
import os, signal, sys
from kg import publish
from kg.cli import main

def die(*args, **kwargs):
    if {point!r} == "after-dumps":
        real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

real = getattr(publish, {target!r})
setattr(publish, {target!r}, die)
sys.exit(main(["build", sys.argv[1], "--data-dir", sys.argv[2]]))
"""


@pytest.mark.parametrize(
    ("point", "target"),
    [("during-dumps", "write_dumps"), ("after-dumps", "write_dumps"), ("before-swap", "_switch_current")],
)
def test_a_build_killed_mid_publish_leaves_the_live_release_served(tmp_path, capsys, point, target):
    import signal
    import subprocess
    import sys

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("published: 2024-05-02\n\nArmenia and Azerbaijan held talks in Vienna.", "utf-8")
    data = tmp_path / "data"
    assert run("build", str(articles), "--data-dir", str(data)) == 0
    live = current_release(data)
    manifest = (live / "dumps" / "manifest.json").read_bytes()
    (articles / "b.txt").write_text("published: 2024-05-03\n\nTürkiye and Armenia met in Ankara.", "utf-8")
    script = KILLED_BUILD.format(point=point, target=target)
    killed = subprocess.run([sys.executable, "-c", script, str(articles), str(data)], capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert current_release(data) == live
    assert (live / "dumps" / "manifest.json").read_bytes() == manifest
    capsys.readouterr()
    assert run("stats", "--json", "--data-dir", str(data)) == 0
    assert list(json.loads(capsys.readouterr().out)["articles"]) == ["a"]
    assert run("build", str(articles), "--data-dir", str(data)) == 0
    assert current_release(data) != live
    assert not list((data / "releases").glob(".tmp-*"))


def test_the_readme_queries_find_answers_on_the_seeds(seed_data_dir, capsysbinary):
    import re

    readme = (SEEDS.parent / "README.md").read_text("utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", readme, re.S)
    assert len(queries) == 3
    for query in queries:
        assert run("query", query, "--format", "csv", "--data-dir", str(seed_data_dir)) == 0
        rows = capsysbinary.readouterr().out.decode().strip().splitlines()[1:]
        assert rows, query


def test_the_readme_documents_every_setting_with_its_default():
    from kg.config import DEFAULTS

    readme = (SEEDS.parent / "README.md").read_text("utf-8")
    for key, default in DEFAULTS.items():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `KG_{key}`")), None)
        assert row is not None, f"KG_{key} is not in the README's configuration table"
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        assert f"`{shown}`" in row, f"README gives another default for KG_{key}: {row}"


def test_the_readme_gives_the_gunicorn_defaults(monkeypatch):
    import importlib

    monkeypatch.delenv("KG_WEB_WORKERS", raising=False)
    monkeypatch.delenv("KG_WEB_THREADS", raising=False)
    gunicorn_conf = importlib.reload(importlib.import_module("kg.web.gunicorn_conf"))
    readme = (SEEDS.parent / "README.md").read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `KG_WEB_WORKERS`, `KG_WEB_THREADS`"))
    assert f"`{gunicorn_conf.workers}`, `{gunicorn_conf.threads}`" in row


def test_the_wheel_ships_the_ontology_and_shapes_it_builds_with(tmp_path):
    """A non-editable install has no source tree: the ontology and shapes must travel inside the package."""
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("diplomacy_kg-*.whl")
    shipped = {name: zipfile.ZipFile(wheel).read(name) for name in zipfile.ZipFile(wheel).namelist()}
    assert shipped["kg/data/ontology/diplomacy.ttl"] == (ROOT / "ontology" / "diplomacy.ttl").read_bytes()
    assert shipped["kg/data/shapes/diplomacy-shapes.ttl"] == (ROOT / "shapes" / "diplomacy-shapes.ttl").read_bytes()
