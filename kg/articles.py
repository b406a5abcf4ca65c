"""Read source articles and clean them into `Article` values.

An article file is UTF-8 text: an optional header of `key: value` lines ended by
a blank line, then the body. Files without a header are accepted; the reader
then takes what it can from the text itself (a leading `date YYYY-MM-DD`, a
headline line, a "By …" byline) and drops web boilerplate. A `.jsonl` file holds
one article per line. Offsets used anywhere downstream point into `Article.text`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ArticleError
from kg.ids import article_slug

HEADER_KEYS = ("title", "url", "published", "publisher", "author", "language")
DEFAULT_MAX_BYTES = 2_000_000
ARTICLE_SUFFIXES = (".txt", ".jsonl")
# The trained pipeline reads at most this many characters at once (spaCy's `max_length`, error E088).
MAX_ARTICLE_CHARS = 1_000_000

_HEADER_LINE = re.compile(r"^([A-Za-z_-]+)\s*:\s*(.*)$")
_LEADING_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
_BYLINE = re.compile(r"^By\s+((?:[A-Z][\w.'’-]+\s?){1,4})$")
_NEWSLETTER = re.compile(r"^The (.+?) Newsletter$")
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^READ( MORE| ALSO)?\s*:",
        r"^Read more\W*$",
        r"^Kaynak bağlantısı\W*$",
        r"^(Source|Kaynak)\s*:?\s*https?://\S+$",
        r"unsubscribe at any time",
        r"reCAPTCHA",
        r"^Keep up to date with",
        r"^(Share|Follow us|Sign up|Subscribe)\b.{0,60}$",
    )
]
_SENTENCE_END = re.compile(r"[.!?:;,][\"”’']?$")
_CAPTION = re.compile(r"(FILE PHOTO|\bPHOTO\s*/|\bPhoto\s*:|\(Photo\b|Getty Images|\bAA Photo\b)")


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: its body text and what is known about it."""

    identifier: str
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    publisher: str | None = None
    author: str | None = None
    language: str = "en"
    dropped: tuple[str, ...] = ()  # boilerplate lines removed from the body

    @property
    def word_count(self) -> int:
        """Return the number of words of the cleaned body."""
        return len(self.text.split())


@dataclass
class ReadResult:
    """The articles that could be read and the errors of those that could not."""

    articles: list[Article] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)


def read_articles(
    paths: Iterable[str | Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[str, int, int], None] | None = None,
) -> ReadResult:
    """Read every article under `paths` (files or folders), collecting errors instead of stopping."""
    result = ReadResult()
    seen: dict[str, str] = {}
    files = list(_article_files(paths, result))
    for done, path in enumerate(files, start=1):
        if progress:
            progress("reading", done, len(files))
        for item in _read_file(path, max_bytes):
            if isinstance(item, ArticleError):
                result.errors.append(item)
            elif item.identifier in seen:
                message = f"identifier {item.identifier!r} already used by {seen[item.identifier]}"
                result.errors.append(ArticleError(item.source, message))
            else:
                seen[item.identifier] = item.source
                result.articles.append(item)
    _refuse_shared_iris(result)
    return result


def _refuse_shared_iris(result: ReadResult) -> None:
    """Refuse every article whose IRI another one also gets ("Talks A" and "talks_a"), naming all their files."""
    by_slug: dict[str, list[Article]] = {}
    for article in result.articles:
        by_slug.setdefault(article_slug(article.identifier), []).append(article)
    shared = {slug: group for slug, group in by_slug.items() if len(group) > 1}
    for slug, group in shared.items():
        for article in group:
            others = ", ".join(a.source for a in group if a is not article)
            message = (
                f"identifier {article.identifier!r} gives the same IRI name {slug!r} as {others}; "
                "rename one of the files so that their names differ in more than case, spaces or punctuation"
            )
            result.errors.append(ArticleError(article.source, message))
    result.articles = [a for a in result.articles if article_slug(a.identifier) not in shared]


def read_article(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one `.txt` article file; raise ArticleError if it cannot be read."""
    path = Path(path)
    return parse_article(_decode(path, max_bytes), identifier=path.stem, source=str(path))


def parse_article(raw: str, identifier: str, source: str, meta: dict | None = None) -> Article:
    """Clean the text of one article; `meta` holds header values known from elsewhere (JSONL keys)."""
    raw = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n")).lstrip("\ufeff")
    values, body_lines = _split_header(raw, source)
    values = {**(meta or {}), **values}
    published = _parse_date(values.get("published"), source, values.get("_published_line"))
    body_lines, hints = _clean_body(body_lines)
    text = _join(body_lines)
    if not text.strip():
        raise ArticleError(source, "no article text after the header and boilerplate were removed")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            source,
            f"article text is {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,} the language model reads "
            "at once; split it into several articles",
        )
    return Article(
        identifier=identifier,
        text=text,
        source=source,
        title=values.get("title") or hints.get("title"),
        url=_parse_url(values.get("url"), source, values.get("_url_line")),
        published=published or hints.get("published"),
        publisher=values.get("publisher") or hints.get("publisher"),
        author=values.get("author") or hints.get("author"),
        language=values.get("language") or "en",
        dropped=tuple(hints.get("dropped", ())),
    )


def _article_files(paths: Iterable[str | Path], result: ReadResult) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from _folder_files(path, result)
        elif path.is_file() and path.suffix in ARTICLE_SUFFIXES:
            yield path
        elif path.is_file():
            message = "not an article file: expected a .txt article or a .jsonl bulk file"
            result.errors.append(ArticleError(str(path), f"{message} (RDF files are checked with `kg validate FILE`)"))
        else:
            result.errors.append(ArticleError(str(path), "no such file or folder"))


def _folder_files(folder: Path, result: ReadResult) -> list[Path]:
    """Return the article files under `folder`; a subfolder that cannot be listed is an error, not a silent gap."""

    def unlisted(error: OSError) -> None:
        reason = f"cannot list the folder: {error.strerror or error}; its articles were not read"
        result.errors.append(ArticleError(error.filename or str(folder), reason))

    files = []
    for root, _, names in os.walk(folder, onerror=unlisted):
        files.extend(p for p in map(Path(root).joinpath, names) if p.suffix in ARTICLE_SUFFIXES and p.is_file())
    return sorted(files)


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """Yield the articles of one file, and an error in place of each one that cannot be read."""
    if path.suffix == ".jsonl":
        yield from _read_jsonl(path, max_bytes)
        return
    try:
        yield read_article(path, max_bytes)
    except ArticleError as error:
        yield error


def _decode(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            message = f"file is {size:,} bytes, over the limit of {max_bytes:,} (KG_MAX_ARTICLE_BYTES)"
            raise ArticleError(str(path), message)
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(str(path), f"cannot read the file: {error.strerror or error}") from None
    if not data.strip():
        raise ArticleError(str(path), "file is empty")
    return _utf8(data, str(path))


def _utf8(data: bytes, source: str, line: int | None = None) -> str:
    """Decode UTF-8 text; an error names `line`, or the line of `data` where the bad byte is."""
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise ArticleError(source, "binary content (NUL byte); expected UTF-8 text", line or _line_at(data, at))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        raise ArticleError(source, message, line or _line_at(data, error.start)) from None


def _line_at(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Article | ArticleError]:
    """Yield the article of each line of a bulk file, or that line's error; a bad line never hides the others."""
    # JSON may spell one character as a 6-byte \uXXXX escape, so a line may be up to 6x its text.
    line_limit = 6 * max_bytes + 65_536
    read_any = False
    try:
        stream = path.open("rb")
    except OSError as error:
        yield ArticleError(str(path), f"cannot read the file: {error.strerror or error}")
        return
    with stream:
        for number, line in _lines(stream, line_limit):
            if line is not None and not line.strip():
                continue
            read_any = True
            try:
                yield _jsonl_article(path, number, line, max_bytes, line_limit)
            except ArticleError as error:
                yield error
    if not read_any:
        yield ArticleError(str(path), "file is empty")


def _lines(stream, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (number, bytes) per line; None for a line longer than `limit`, which is skipped without keeping it."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
        yield number, None


def _jsonl_article(path: Path, number: int, line: bytes | None, max_bytes: int, line_limit: int) -> Article:
    if line is None:
        raise ArticleError(str(path), f"line is over the limit of {line_limit:,} bytes (KG_MAX_ARTICLE_BYTES)", number)
    text = _utf8(line, str(path), number)
    if number == 1:
        text = text.lstrip("\ufeff")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArticleError(str(path), f"not a JSON object: {error.msg} at column {error.colno}", number) from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ArticleError(str(path), 'each line must be a JSON object with a "text" string', number)
    if len(record["text"].encode("utf-8")) > max_bytes:
        raise ArticleError(
            str(path), f"article text is over the limit of {max_bytes:,} bytes (KG_MAX_ARTICLE_BYTES)", number
        )
    meta = {k: str(record[k]) for k in HEADER_KEYS if record.get(k) is not None}
    identifier = str(record.get("identifier") or record.get("id") or f"{path.stem}-{number}")
    try:
        return parse_article(record["text"], identifier=identifier, source=f"{path}:{number}", meta=meta)
    except ArticleError as error:
        raise ArticleError(str(path), error.reason, number) from None


def _split_header(raw: str, source: str) -> tuple[dict, list[str]]:
    lines = raw.split("\n")
    first = _HEADER_LINE.match(lines[0])
    if not first or first.group(1).lower() not in HEADER_KEYS:
        return {}, lines
    values: dict = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return values, lines[number:]
        match = _HEADER_LINE.match(line)
        key = match.group(1).lower() if match else None
        if key not in HEADER_KEYS:
            raise ArticleError(
                source, f"malformed header line {line[:60]!r}: expected 'key: value' with key in {HEADER_KEYS}", number
            )
        values[key] = match.group(2).strip()
        if key in ("published", "url"):
            values[f"_{key}_line"] = number
    raise ArticleError(source, "the header is not followed by a blank line and a body", len(lines))


def _parse_url(value: str | None, source: str, line: int | None) -> str | None:
    """Return the article's web address; only an absolute http(s) URL is one (a `javascript:` link would run)."""
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ArticleError(source, f"url {value[:80]!r} is not an absolute http:// or https:// URL", line)
    return value


def _parse_date(value: str | None, source: str, line: int | None) -> dt.date | None:
    if not value:
        return None
    value = value.strip()
    if not (re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and _valid(value)):
        raise ArticleError(source, f"published date {value!r} is not a real date in YYYY-MM-DD form", line)
    return dt.date.fromisoformat(value)


def _clean_body(lines: list[str]) -> tuple[list[str], dict]:
    hints: dict = {"dropped": []}
    lines = [line.rstrip() for line in lines]
    if lines:
        match = _LEADING_DATE.match(lines[0])
        if match:
            hints["published"] = dt.date.fromisoformat(match.group(1)) if _valid(match.group(1)) else None
            lines[0] = lines[0][match.end() :]
    kept: list[str] = []
    footer = False
    for line in lines:
        stripped = line.strip()
        newsletter = _NEWSLETTER.match(stripped)
        if newsletter:
            hints.setdefault("publisher", newsletter.group(1))
            footer = True
        byline = _BYLINE.match(stripped)
        if byline and "author" not in hints:
            hints["author"] = byline.group(1).strip()
        if stripped and (footer or byline or _is_boilerplate(stripped)):
            hints["dropped"].append(stripped)
            continue
        kept.append(stripped)
    kept = _take_headline(kept, hints)
    return kept, hints


def _valid(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _BOILERPLATE) or bool(_CAPTION.search(line))


def _take_headline(lines: list[str], hints: dict) -> list[str]:
    """Take a first line that reads as a headline as the title, and drop its repeats."""
    content = [i for i, line in enumerate(lines) if line]
    if len(content) < 2:
        return lines
    first = lines[content[0]]
    if len(first) > 160 or _SENTENCE_END.search(first) or len(first.split()) < 3:
        return lines
    hints["title"] = first
    key = _fold_quotes(first)
    return [line for line in lines if not line or _fold_quotes(line) != key]


def _fold_quotes(text: str) -> str:
    return re.sub(r"[‘’'“”\"]", "'", text).strip()


def _join(lines: list[str]) -> str:
    """Join lines into paragraphs: blank lines separate paragraphs, single breaks stay inside one."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p)
