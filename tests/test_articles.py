"""Reading and cleaning articles: header, headerless web text, boilerplate, bulk files and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.articles import parse_article, read_article, read_articles
from kg.errors import ArticleError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_header_values_become_metadata_and_body_keeps_paragraphs(tmp_path):
    path = write(
        tmp_path,
        "a1.txt",
        "title: Envoys meet in Vienna\nurl: https://example.org/a1\npublished: 2022-02-24\n"
        "publisher: Example Wire\nauthor: Jane Roe\nlanguage: en\n\nFirst paragraph.\n\nSecond paragraph.\n",
    )
    article = read_article(path)
    assert article.identifier == "a1"
    assert article.title == "Envoys meet in Vienna"
    assert article.url == "https://example.org/a1"
    assert article.published == dt.date(2022, 2, 24)
    assert (article.publisher, article.author, article.language) == ("Example Wire", "Jane Roe", "en")
    assert article.text == "First paragraph.\n\nSecond paragraph."


def test_headerless_web_text_yields_date_headline_and_byline():
    article = parse_article(
        " date 2023-05-02 Ministers met in Baku on Monday.\n\nMore text follows here.\nBy Anna Example",
        identifier="x",
        source="x.txt",
    )
    assert article.published == dt.date(2023, 5, 2)
    assert article.text.startswith("Ministers met in Baku on Monday.")
    assert article.author == "Anna Example"
    assert "By Anna" not in article.text


def test_headline_is_taken_as_title_and_its_repeats_dropped():
    raw = "Leaders hope for ‘lasting peace’\n\nLeaders hope for 'lasting peace'\n\nThe leaders met on Friday."
    article = parse_article(raw, identifier="x", source="x.txt")
    assert article.title == "Leaders hope for ‘lasting peace’"
    assert article.text == "The leaders met on Friday."


@pytest.mark.parametrize(
    "line",
    [
        "READ: Thousands rally in the capital",
        "Read more...",
        "Kaynak bağlantısı",
        "A soldier stands guard near the border, on May 2, 2024. FILE PHOTO/Agence France-Presse",
    ],
)
def test_web_boilerplate_is_dropped(line):
    article = parse_article(f"The talks began.\n\n{line}\n\nThe talks ended.", identifier="x", source="x.txt")
    assert line not in article.text
    assert article.text == "The talks began.\n\nThe talks ended."
    assert line in article.dropped


def test_newsletter_footer_is_dropped_and_names_the_publisher():
    raw = "Body sentence.\n\nThe Example Times Newsletter\n\nKeep up to date with the world.\n\nSome footer."
    article = parse_article(raw, identifier="x", source="x.txt")
    assert article.text == "Body sentence."
    assert article.publisher == "Example Times"


def test_every_seed_reads_cleanly():
    result = read_articles([SEEDS])
    assert result.errors == []
    assert len(result.articles) == 5
    for article in result.articles:
        assert article.text == article.text.strip()
        assert "Newsletter" not in article.text and "READ:" not in article.text
        assert "Kaynak" not in article.text and "Read more" not in article.text
        assert "FILE PHOTO" not in article.text


def test_seed_with_leading_date_gets_its_publication_date():
    article = read_article(SEEDS / "002_4d3fdefd41382b38.txt")
    assert article.published == dt.date(2024, 8, 27)
    assert not article.text.startswith(" date")


@pytest.mark.parametrize(
    ("name", "content", "message", "line"),
    [
        ("latin1.txt", "Caf\xe9 talks\n".encode("latin-1"), "not valid UTF-8", 1),
        ("binary.txt", b"text\n\x00\x01\x02", "binary content", 2),
        ("empty.txt", b"  \n\n", "file is empty", None),
        ("baddate.txt", "title: T\npublished: 2024-02-30\n\nBody.", "not a real date", 2),
        ("badformat.txt", "title: T\npublished: 27/08/2024\n\nBody.", "not a real date", 2),
        ("badkey.txt", "title: T\nwhen = today\n\nBody.", "malformed header line", 2),
        ("onlyheader.txt", "title: T\npublished: 2024-01-01\n\n", "no article text", None),
    ],
)
def test_bad_input_is_reported_with_file_and_line(tmp_path, name, content, message, line):
    path = write(tmp_path, name, content)
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert caught.value.line == line


def test_oversized_file_is_refused(tmp_path):
    path = write(tmp_path, "big.txt", "word " * 1000)
    with pytest.raises(ArticleError, match="over the limit of 100"):
        read_article(path, max_bytes=100)


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    write(tmp_path, "good.txt", "Ministers met.")
    write(tmp_path, "bad.txt", b"\xff\xfe bad")
    result = read_articles([tmp_path])
    assert [a.identifier for a in result.articles] == ["good"]
    assert len(result.errors) == 1 and "bad.txt" in str(result.errors[0])


def test_jsonl_bulk_file_reads_each_line_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "w1", "text": "Envoys met in Vienna.", "published": "2022-02-24", "title": "Envoys"}),
        "",
        json.dumps({"id": "w2", "text": "Talks resumed."}),
    ]
    write(tmp_path, "bulk.jsonl", "\n".join(lines))
    result = read_articles([tmp_path / "bulk.jsonl"])
    assert [a.identifier for a in result.articles] == ["w1", "w2"]
    assert result.articles[0].published == dt.date(2022, 2, 24)

    write(tmp_path, "broken.jsonl", json.dumps({"text": "ok"}) + "\n{not json\n")
    broken = read_articles([tmp_path / "broken.jsonl"])
    assert broken.errors and broken.errors[0].line == 2


def test_jsonl_bad_date_names_the_line(tmp_path):
    write(tmp_path, "dates.jsonl", json.dumps({"id": "d1", "text": "Body.", "published": "2024-13-01"}))
    result = read_articles([tmp_path / "dates.jsonl"])
    assert result.errors and "2024-13-01" in str(result.errors[0])


def test_duplicate_identifiers_are_an_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "same.txt", "One.")
    write(tmp_path / "b", "same.txt", "Two.")
    result = read_articles([tmp_path])
    assert len(result.articles) == 1
    assert "already used" in str(result.errors[0])


def test_missing_path_is_an_error():
    result = read_articles(["/nonexistent/folder"])
    assert "no such file" in str(result.errors[0])


def test_a_malformed_jsonl_line_does_not_hide_the_other_lines(tmp_path):
    good = [json.dumps({"id": f"g{n}", "text": f"Envoys met in Vienna, round {n}."}) for n in range(1, 4)]
    lines = [
        good[0].encode(),
        b"{broken",
        json.dumps({"id": "d1", "text": "Body.", "published": "2022-13-01"}).encode(),
        b'{"id": "l1", "text": "Caf\xe9"}',
        b'{"id": "n1", "text": "nul\x00"}',
        good[1].encode(),
        b"[1, 2]",
        good[2].encode(),
    ]
    path = write(tmp_path, "bulk.jsonl", b"\n".join(lines) + b"\n")
    result = read_articles([path])
    assert [a.identifier for a in result.articles] == ["g1", "g2", "g3"]
    assert [(e.line, e.source) for e in result.errors] == [(n, str(path)) for n in (2, 3, 4, 5, 7)]
    reasons = [e.reason for e in result.errors]
    assert reasons[0].startswith("not a JSON object")
    assert "2022-13-01" in reasons[1]
    assert reasons[2].startswith("not valid UTF-8")
    assert reasons[3].startswith("binary content")
    assert reasons[4] == 'each line must be a JSON object with a "text" string'


def test_an_oversized_jsonl_line_is_skipped_and_the_next_one_read(tmp_path):
    huge = json.dumps({"id": "big", "text": "x" * 5000})
    small = json.dumps({"id": "small", "text": "Talks resumed."})
    path = write(tmp_path, "bulk.jsonl", f"{huge}\n{small}\n")
    result = read_articles([path], max_bytes=100)
    assert [a.identifier for a in result.articles] == ["small"]
    (error,) = result.errors
    assert error.line == 1 and "over the limit" in error.reason


def test_jsonl_with_a_byte_order_mark_and_crlf_lines_reads(tmp_path):
    content = "\ufeff" + json.dumps({"id": "b1", "text": "One."}) + "\r\n" + json.dumps({"id": "b2", "text": "Two."})
    result = read_articles([write(tmp_path, "bom.jsonl", content)])
    assert result.errors == []
    assert [a.text for a in result.articles] == ["One.", "Two."]


def test_an_empty_jsonl_file_is_an_error(tmp_path):
    result = read_articles([write(tmp_path, "empty.jsonl", "\n\n")])
    assert result.articles == []
    assert [e.reason for e in result.errors] == ["file is empty"]


def test_a_file_that_is_not_an_article_is_refused_by_name(tmp_path):
    rdf = write(tmp_path, "kg.trig", "<a> <b> <c> .")
    result = read_articles([rdf, write(tmp_path, "ok.txt", "Talks resumed.")])
    assert [a.identifier for a in result.articles] == ["ok"]
    (error,) = result.errors
    assert error.source == str(rdf) and "not an article file" in error.reason


def test_files_in_a_folder_other_than_articles_are_ignored(tmp_path):
    write(tmp_path, "notes.md", "# not an article")
    write(tmp_path, "a.txt", "Talks resumed.")
    result = read_articles([tmp_path])
    assert [a.identifier for a in result.articles] == ["a"] and result.errors == []


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(3)", "JavaScript:alert(document.cookie)", "data:text/html,hi", "ftp://x/y", "//host/a", "news"],
)
def test_an_article_url_must_be_http_or_https(tmp_path, url):
    path = tmp_path / "a1.txt"
    path.write_text(f"title: Envoys meet\nurl: {url}\npublished: 2022-02-24\n\nThe envoys met in Vienna.\n", "utf-8")
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert caught.value.line == 2
    assert "not an absolute http:// or https:// URL" in caught.value.reason


def test_a_jsonl_article_url_is_checked_too(tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text('{"id": "a1", "url": "javascript:alert(1)", "text": "The envoys met in Vienna."}\n', "utf-8")
    result = read_articles([path])
    assert not result.articles
    assert "http://" in result.errors[0].reason
