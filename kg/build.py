"""The whole pipeline: read → extract → map → validate → publish (only if the graph conforms)."""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg import config
from kg.articles import Article, read_articles
from kg.errors import ArticleError, PublishError
from kg.extract import RuleExtractor, resolve_events
from kg.extract.model import Extraction
from kg.mapping import ONTOLOGY_FILE, PREFIXES, SHAPES_FILE, Build, Mapper, load_turtle
from kg.publish import publish_atomically, write_failed_report
from kg.reference import load_reference
from kg.validate import ValidationResult, validate

Progress = Callable[[str, int, int], None]


@dataclass
class BuildOutcome:
    """What a build did: the errors met, the validation result and the release it published."""

    build: Build
    articles: list[Article] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)
    validation: ValidationResult | None = None
    release: Path | None = None
    report_folder: Path | None = None
    dataset: Dataset | None = None

    @property
    def exit_code(self) -> int:
        """Return 0 if published with no error, 1 if the graph does not conform, 2 on any error."""
        if self.validation is not None and not self.validation.conforms:
            return 1
        return 2 if self.errors or self.release is None else 0


def extract_dataset(articles: list[Article], settings: dict, build: Build, progress: Progress | None = None) -> Dataset:
    """Run the extractor over `articles` and map the results to one dataset."""
    reference = load_reference(settings["BASE_IRI"])
    extractor = RuleExtractor(reference, settings["SPACY_MODEL"])
    extractions = list(_counted(extractor.pipe(articles), len(articles), progress))
    resolve_events(extractions)
    mapper = Mapper(settings["BASE_IRI"])
    dataset = mapper.dataset(extractions, reference, load_turtle(ONTOLOGY_FILE), load_turtle(SHAPES_FILE))
    build.ended = dt.datetime.now(dt.UTC)
    mapper.add_build(dataset, build, [a.identifier for a in articles])
    return dataset


def run_build(
    paths: Iterable[str | Path],
    settings: dict,
    *,
    publish: bool = True,
    keep_going: bool = False,
    progress: Progress | None = None,
) -> BuildOutcome:
    """Build the graph from the articles under `paths`; publish it if it conforms and `publish` is set."""
    outcome = BuildOutcome(Build(started=dt.datetime.now(dt.UTC)))
    read = read_articles(paths, max_bytes=settings["MAX_ARTICLE_BYTES"])
    outcome.articles, outcome.errors = read.articles, read.errors
    if (outcome.errors and not keep_going) or not outcome.articles:
        return outcome
    dataset = extract_dataset(outcome.articles, settings, outcome.build, progress)
    outcome.dataset = dataset
    if progress:
        progress("validating", 0, 1)
    outcome.validation = validate(dataset)
    if not publish:
        return outcome
    data_dir = config.data_dir(settings)
    with _build_lock(data_dir):
        if not outcome.validation.conforms:
            outcome.report_folder = write_failed_report(
                data_dir, outcome.build.identifier, outcome.validation.report, outcome.validation.text
            )
            return outcome
        if progress:
            progress("publishing", 0, 1)
        outcome.release = publish_atomically(
            data_dir,
            outcome.build.identifier,
            dataset,
            outcome.validation.report,
            outcome.validation.text,
            prefixes={k: str(v) for k, v in PREFIXES.items()},
            base=settings["BASE_IRI"],
        )
    return outcome


@contextmanager
def _build_lock(data_dir: Path) -> Iterator[None]:
    """Let one build at a time write into the data folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / ".build.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another build is publishing into {data_dir}; try again when it ends") from None
        yield


def _counted(items: Iterable[Extraction], total: int, progress: Progress | None) -> Iterator[Extraction]:
    for done, item in enumerate(items, start=1):
        if progress:
            progress("extracting", done, total)
        yield item
