"""One bad article does not block the rest: articles whose graphs violate a shape are held back and listed."""

from __future__ import annotations

import contextlib
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.cli import EXIT_ERROR, EXIT_HELD_BACK, EXIT_NONCONFORMING, EXIT_OK, main
from kg.ids import DIP
from kg.publish import current_release
from kg.validate import blame, load_shapes, validate
from kg.web import create_app

BASE = "https://w3id.org/diplomacy-kg/"
# An article dated before the talks it reports as past: EventNotAfterArticleShape catches it.
EARLY = "published: 2024-05-02\n\nArmenia and Azerbaijan held talks in Vienna on 10 May 2024.\n"
# The same talks, reported later and dated to the month only: one node with the early report while both publish.
LATER = "published: 2024-05-20\n\nArmenia and Azerbaijan held talks in Vienna in May.\n"
OTHER = "published: 2024-05-03\n\nTürkiye and Armenia met in Ankara.\n"
EVENTS = """PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
SELECT ?event ?date ?article WHERE {
  ?event dip:reportedIn ?article . OPTIONAL { ?event dip:date ?date }
  FILTER(STRSTARTS(STR(?event), "https://w3id.org/diplomacy-kg/id/event/"))
}"""


def build(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", *args])
    return code, err.getvalue()


def write_articles(folder, **texts: str):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def held_back_build(tmp_path_factory):
    """Build three articles, one of which violates a shape; return the data folder, exit code and output."""
    root = tmp_path_factory.mktemp("held-back")
    articles = write_articles(root / "articles", early=EARLY, later=LATER, other=OTHER)
    code, err = build(str(articles), "--data-dir", str(root / "data"))
    return root / "data", code, err


def test_the_violating_article_is_held_back_and_the_others_publish(held_back_build):
    data, code, err = held_back_build
    assert code == EXIT_HELD_BACK, err
    store = ox.Store.read_only(str(current_release(data) / "store"))
    rows = list(store.query(EVENTS, use_default_graph_as_union=True))
    assert {row["article"].value.rpartition("/")[2] for row in rows} == {"later", "other"}
    report = (current_release(data) / "dumps" / "validation-report.txt").read_text("utf-8")
    assert report.startswith("conforms: 0 violations")


def test_published_events_are_merged_from_the_published_articles_only(held_back_build):
    """The held-back report dated the shared talks to the day; without it they are dated to the month again."""
    data, _, _ = held_back_build
    store = ox.Store.read_only(str(current_release(data) / "store"))
    rows = list(store.query(EVENTS, use_default_graph_as_union=True))
    talks = [row for row in rows if row["article"].value.endswith("/later")]
    assert [row["date"].value for row in talks] == ["2024-05"]
    assert all("2024-05-10" not in row["event"].value for row in rows)
    dated = "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), '2024-05-10') || CONTAINS(STR(?s), '2024-05-10')) }"
    assert not bool(store.query(dated, use_default_graph_as_union=True))


def test_the_build_output_names_each_held_back_article_and_why(held_back_build):
    _, _, err = held_back_build
    held = [line for line in err.splitlines() if line.startswith("held back ")]
    assert held == [
        "held back early: Event dated 2024-05-10 is after the publication (2024-05-02) of the article "
        f"{BASE}id/article/early reporting it"
    ]
    assert "published without the held-back articles above" in err


def test_the_release_lists_the_held_back_article_in_its_manifest_and_files(held_back_build):
    data, _, _ = held_back_build
    dumps = current_release(data) / "dumps"
    manifest = json.loads((dumps / "manifest.json").read_text("utf-8"))
    (entry,) = manifest["heldBack"]
    assert entry["article"] == "early" and entry["iri"] == f"{BASE}id/article/early"
    assert entry["violations"] == 1 and "is after the publication" in entry["reason"]
    assert {"held-back.txt", "held-back.ttl"} <= {f["name"] for f in manifest["files"]}
    text = (dumps / "held-back.txt").read_text("utf-8").splitlines()
    assert text[0] == "early: held back, 1 violation"
    assert text[1].lstrip().startswith("Violation") and text[1].endswith("(from article early, article later)")


def test_the_held_back_rdf_report_links_each_result_to_its_article(held_back_build):
    data, _, _ = held_back_build
    report = ox.Store()
    report.load(path=str(current_release(data) / "dumps" / "held-back.ttl"), format=ox.RdfFormat.TURTLE)
    ask = """PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX prov: <http://www.w3.org/ns/prov#>
    ASK { ?report a sh:ValidationReport ; sh:conforms false ; sh:result ?result .
          ?result sh:resultSeverity sh:Violation ; sh:focusNode ?event ;
                  prov:wasDerivedFrom <https://w3id.org/diplomacy-kg/id/article/early> }"""
    assert bool(report.query(ask))


def test_the_home_page_lists_the_held_back_article(held_back_build):
    data, _, _ = held_back_build
    client = create_app({"DATA_DIR": str(data)}).test_client()
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="held-back"' in html and "<code>early</code>" in html
    assert "is after the publication (2024-05-02)" in html
    assert client.get("/dumps/held-back.txt").status_code == 200


def test_strict_publishes_nothing_and_the_live_release_stays(tmp_path):
    data = tmp_path / "data"
    code, _ = build(str(write_articles(tmp_path / "good", other=OTHER)), "--data-dir", str(data))
    assert code == EXIT_OK
    live = current_release(data)
    articles = write_articles(tmp_path / "all", early=EARLY, later=LATER, other=OTHER)
    code, err = build(str(articles), "--data-dir", str(data), "--strict")
    assert code == EXIT_NONCONFORMING
    assert "does NOT conform: 1 violation" in err and "held back" not in err
    assert current_release(data) == live
    (failed,) = (data / "failed").iterdir()
    assert (failed / "validation-report.txt").exists() and not (failed / "held-back.txt").exists()


def test_when_every_article_is_held_back_nothing_is_published(tmp_path):
    data = tmp_path / "data"
    code, err = build(str(write_articles(tmp_path / "articles", early=EARLY)), "--data-dir", str(data))
    assert code == EXIT_NONCONFORMING
    assert "held back early: Event dated 2024-05-10" in err
    assert current_release(data) is None
    (failed,) = (data / "failed").iterdir()
    assert (failed / "held-back.txt").read_text("utf-8").startswith("early: held back, 1 violation")


def test_an_unreadable_file_keeps_exit_code_2_even_when_articles_are_held_back(tmp_path):
    articles = write_articles(tmp_path / "articles", early=EARLY, other=OTHER)
    (articles / "bad.txt").write_bytes(b"\xff\xfe not text")
    code, err = build(str(articles), "--data-dir", str(tmp_path / "data"), "--keep-going")
    assert code == EXIT_ERROR
    assert "bad.txt" in err and "held back early" in err
    assert current_release(tmp_path / "data") is not None


def test_validate_still_checks_every_article(tmp_path, capsys):
    articles = write_articles(tmp_path / "articles", early=EARLY, other=OTHER)
    assert main(["validate", str(articles)]) == EXIT_NONCONFORMING
    assert "article early" in capsys.readouterr().out


# Attribution, on hand-made graphs: which article a violation on a node several articles state belongs to.


def two_reports(first_date: str, second_date: str) -> Dataset:
    """Return talks reported by articles `a` (issued 2024-05-02) and `b` (issued 2024-05-20), one node in both."""
    dataset = Dataset()
    reference = dataset.graph(URIRef(f"{BASE}graph/reference"))
    parties = [URIRef(f"{BASE}id/country/{name}") for name in ("armenia", "azerbaijan")]
    for party in parties:
        reference.add((party, RDF.type, DIP.Country))
        reference.add((party, RDFS.label, Literal(party.rpartition("/")[2].title(), lang="en")))
    event = URIRef(f"{BASE}id/event/talks")
    for name, issued, date in (("a", "2024-05-02", first_date), ("b", "2024-05-20", second_date)):
        graph = dataset.graph(URIRef(f"{BASE}graph/article/{name}"))
        article = URIRef(f"{BASE}id/article/{name}")
        graph.add((article, RDF.type, DIP.Article))
        graph.add((article, DCTERMS.identifier, Literal(name)))
        graph.add((article, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
        graph.add((event, RDF.type, DIP.Talks))
        graph.add((event, DIP.reportedIn, article))
        graph.add((event, DIP.date, Literal(date, datatype=XSD.date)))
        for party in parties:
            graph.add((event, DIP.participant, party))
    return dataset


def test_a_violation_on_a_shared_node_is_blamed_on_the_article_whose_graph_shows_it():
    dataset = two_reports("2024-05-10", "2024-05-10")
    result = validate(dataset)
    (violation,) = [p for p in result.problems if p.severity == "Violation"]
    assert violation.articles == ("a", "b")
    assert list(blame(result, dataset, load_shapes())) == ["a"]


def test_a_violation_no_article_shows_alone_is_blamed_on_all_that_state_it():
    """Each article quotes one text for the same quote node; only their merge has two, one too many."""
    dataset = two_reports("2024-05-01", "2024-05-01")
    quote = URIRef(f"{BASE}id/quote/q")
    for name, words in (("a", "We agreed."), ("b", "We agreed on the border.")):
        graph = dataset.graph(URIRef(f"{BASE}graph/article/{name}"))
        graph.add((quote, RDF.type, DIP.Quote))
        graph.add((quote, DIP.speaker, URIRef(f"{BASE}id/country/armenia")))
        graph.add((quote, DIP.quoteText, Literal(words)))
        graph.add((quote, DIP.reportedIn, URIRef(f"{BASE}id/article/{name}")))
    result = validate(dataset)
    (violation,) = [p for p in result.problems if p.severity == "Violation"]
    assert violation.focus == quote and violation.articles == ("a", "b")
    assert sorted(blame(result, dataset, load_shapes())) == ["a", "b"]


def test_a_violation_in_no_article_graph_cannot_be_held_back():
    dataset = two_reports("2024-05-01", "2024-05-01")
    broken = URIRef(f"{BASE}id/event/curated")
    reference = dataset.graph(URIRef(f"{BASE}graph/reference"))
    reference.add((broken, RDF.type, DIP.War))
    reference.add((broken, DIP.inReference, Literal(True)))
    reference.add((broken, DIP.date, Literal("long ago")))
    result = validate(dataset)
    assert not result.conforms
    assert blame(result, dataset, load_shapes()) is None


def test_a_build_killed_while_writing_the_held_back_report_leaves_the_live_release(tmp_path):
    import signal
    import subprocess
    import sys

    from tests.test_build import KILLED_BUILD

    data = tmp_path / "data"
    articles = write_articles(tmp_path / "articles", other=OTHER)
    assert build(str(articles), "--data-dir", str(data))[0] == EXIT_OK
    live = current_release(data)
    manifest = (live / "dumps" / "manifest.json").read_bytes()
    write_articles(articles, early=EARLY, later=LATER)
    script = KILLED_BUILD.format(point="during", target="write_held_back")
    killed = subprocess.run([sys.executable, "-c", script, str(articles), str(data)], capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert current_release(data) == live
    assert (live / "dumps" / "manifest.json").read_bytes() == manifest
    assert build(str(articles), "--data-dir", str(data))[0] == EXIT_HELD_BACK
    assert not list((data / "releases").glob(".tmp-*"))


def test_the_readme_and_help_document_holding_back_and_its_exit_code(capsys):
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    assert "**3**" in readme and "`kg build --strict`" in readme and "`dumps/held-back.txt`" in readme
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--strict" in help_text and "exit code 3" in help_text
