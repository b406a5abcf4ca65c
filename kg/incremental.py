"""Articles added and removed one at a time: `kg add` and `kg remove` change the live release without reading,
parsing or extracting the articles it already holds.

Every release keeps what the extractor found in each of its articles (`extractions/`: one pickle per article and
an index of their content digests). Adding reads only the given files, extracts only the articles that are new
or changed (same identifier, other content), and takes the rest from the live release; removing drops articles
by identifier. Either way everything after extraction is the from-scratch path of `kg build`: events resolved
across all articles (merged events keep their other reports), mapping, the SHACL gate (an article that violates
a shape is held back, or nothing is published with --strict), and the atomic swap of a new release. So a graph
built by adds equals the graph `kg build` makes of the same articles, and adding what is there changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from kg import config
from kg.articles import Article, read_articles
from kg.errors import KGError
from kg.extract.model import Extraction
from kg.mapping import Build
from kg.patch import link_or_copy
from kg.publish import current_release
from kg.validate_split import read_verdicts

CACHE = "extractions"
INDEX = "index.json"
#: Bumped whenever what is pickled changes shape: a release with another version is rebuilt, never misread.
CACHE_VERSION = 2


def digest(article: Article) -> str:
    """Return a digest of everything about an article that extraction reads (text and header), not of the file
    it was read from: the same article from another folder is the same article."""
    fields = asdict(article)
    fields.pop("source")
    fields["published"] = article.published.isoformat() if article.published else None
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def write_cache(release: Path, extractions: Iterable[Extraction], previous: Path | None = None) -> None:
    """Keep each article's extraction in the release folder being written, with an index of their digests.

    An article that the release `previous` keeps with the same digest has its file hard-linked from there (copied
    across file systems): what is pickled is the extractor's output, which nothing after extraction changes.
    """
    folder = release / CACHE
    folder.mkdir()
    kept = _index_of(previous) if previous is not None else {}
    index = {}
    for number, extraction in enumerate(extractions):
        name = f"{number:07d}.pickle"
        identifier, article_digest = extraction.article.identifier, digest(extraction.article)
        entry = kept.get(identifier)
        if (
            entry is None
            or entry["digest"] != article_digest
            or not _linked(previous / CACHE / entry["file"], folder / name)
        ):
            with (folder / name).open("wb") as out:
                pickle.dump(extraction, out, protocol=pickle.HIGHEST_PROTOCOL)
        index[identifier] = {"file": name, "digest": article_digest}
    (folder / INDEX).write_text(json.dumps({"version": CACHE_VERSION, "articles": index}, indent=1), "utf-8")


def _linked(source: Path, target: Path) -> bool:
    """Hard-link `source` as `target` (a copy on another file system); return False if `source` cannot be read."""
    try:
        link_or_copy(source, target)
    except OSError:
        target.unlink(missing_ok=True)
        return False
    return True


def read_index(release: Path) -> dict[str, dict]:
    """Return the index of the extractions the live release keeps: by article identifier, the file and the digest
    of the article (`digest`); raise KGError if it keeps none of this version."""
    index_file = release / CACHE / INDEX
    if not index_file.exists():
        raise KGError(
            f"the live release {release.name} keeps no extractions (built before `kg add` existed); run `kg build` once"
        )
    index = json.loads(index_file.read_text("utf-8"))
    if index.get("version") != CACHE_VERSION:
        raise KGError(f"the live release {release.name} keeps extractions of another format; run `kg build` once")
    return index["articles"]


def _index_of(release: Path) -> dict[str, dict]:
    try:
        return read_index(release)
    except (KGError, OSError, ValueError):
        return {}


def read_cache(release: Path, index: dict[str, dict] | None = None) -> dict[str, Extraction]:
    """Return the extractions the live release keeps, by article identifier, in the order they were built."""
    out = {}
    for identifier, entry in (index if index is not None else read_index(release)).items():
        with (release / CACHE / entry["file"]).open("rb") as handle:
            out[identifier] = pickle.load(handle)  # written by this program into its own data folder
    return out


def run_add(
    paths: Iterable[str | Path], settings: dict, *, keep_going: bool = False, strict: bool = False, progress=None
):
    """Add (or replace) the articles under `paths` in the live release; publish a new release if anything changed."""
    from kg.build import holding_data_folder

    with holding_data_folder(settings):  # from the start: the live release read here is the one replaced
        return _add(paths, settings, keep_going, strict, progress)


def _add(paths: Iterable[str | Path], settings: dict, keep_going: bool, strict: bool, progress):
    from kg.build import BuildOutcome, check, extract, publish_outcome

    outcome = BuildOutcome(Build(started=dt.datetime.now(dt.UTC)))
    live = _live(settings)
    index = read_index(live)
    read = read_articles(paths, max_bytes=settings["MAX_ARTICLE_BYTES"])
    outcome.errors = read.errors
    if outcome.errors and not keep_going:
        return outcome
    changed = [a for a in read.articles if index.get(a.identifier, {}).get("digest") != digest(a)]
    outcome.unchanged = len(read.articles) - len(changed)
    if not changed:  # known from the index alone: no extraction is read
        outcome.release = live
        outcome.nothing_changed = True
        return outcome
    kept = read_cache(live, index)
    from kg.distributed import checks_on, dask_session
    from kg.reference import load_reference

    reference = load_reference(settings["BASE_IRI"])
    with dask_session(settings, len(changed)) as client:  # many new articles: extracted and checked on Dask
        extracted = extract(changed, reference, settings, progress, errors=outcome.errors, client=client)
        if outcome.errors and not keep_going:
            return outcome
        merged = list({**kept, **{x.article.identifier: x for x in extracted}}.values())
        verdicts = read_verdicts(live)  # an unchanged article graph is not validated again
        checker = checks_on(client)
        check(outcome, merged, reference, settings, strict=strict, progress=progress, verdicts=verdicts, client=checker)
    return publish_outcome(outcome, settings, progress, merged, previous=live)


def run_remove(identifiers: Iterable[str], settings: dict, *, strict: bool = False, progress=None):
    """Remove the articles with these identifiers from the live release and publish the rest as a new release."""
    from kg.build import holding_data_folder

    with holding_data_folder(settings):
        return _remove(identifiers, settings, strict, progress)


def _remove(identifiers: Iterable[str], settings: dict, strict: bool, progress):
    from kg.build import BuildOutcome, finish
    from kg.reference import load_reference

    outcome = BuildOutcome(Build(started=dt.datetime.now(dt.UTC)))
    live = _live(settings)
    index = read_index(live)
    wanted = list(dict.fromkeys(identifiers))
    unknown = [i for i in wanted if i not in index]
    if unknown:
        raise KGError(
            f"no article {', '.join(map(repr, unknown))} in the live release {live.name} "
            f"(`kg stats` lists the articles it holds)"
        )
    rest = list(read_cache(live, {i: entry for i, entry in index.items() if i not in wanted}).values())
    if not rest:
        raise KGError("removing every article would publish an empty graph; nothing was changed")
    reference = load_reference(settings["BASE_IRI"])
    verdicts = read_verdicts(live)
    return finish(
        outcome, rest, reference, settings, strict=strict, progress=progress, verdicts=verdicts, previous=live
    )


def _live(settings: dict) -> Path:
    release = current_release(config.data_dir(settings))
    if release is None:
        raise KGError(f"nothing published in {config.data_dir(settings)} yet; run `kg build` first")
    return release
