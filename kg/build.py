"""The whole pipeline: read → extract → map → validate → publish what conforms, holding back articles that do not."""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Dataset, Graph

from kg import config
from kg.articles import Article, read_articles
from kg.cli import EXIT_ERROR, EXIT_HELD_BACK, EXIT_NONCONFORMING, EXIT_OK
from kg.distributed import checks_on, dask_session, extract_on_dask
from kg.errors import ArticleError, BuildBusy, PublishError
from kg.extract.coreference import resolve_events
from kg.extract.model import Extraction
from kg.extract.rules import RuleExtractor
from kg.incremental import write_cache
from kg.mapping import Build, MappedGraphs, Mapper
from kg.publish import (
    Statements,
    publish_atomically,
    remove_leftovers,
    remove_statements,
    statements_file,
    statements_path,
    write_failed_report,
    write_statements_file,
)
from kg.reference import load_reference
from kg.terms import ONTOLOGY_FILE, PREFIXES, SHAPES_FILE, load_turtle
from kg.validate import HeldBack, ValidationResult, blame, load_shapes
from kg.validate_split import Verdict, validate_split, write_verdicts

Progress = Callable[[str, int, int], None]


@dataclass
class BuildOutcome:
    """What a build did: the errors met, the articles held back, the validation result and the release."""

    build: Build
    articles: list[Article] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)
    validation: ValidationResult | None = None
    held_back: HeldBack = field(default_factory=HeldBack)
    release: Path | None = None
    report_folder: Path | None = None
    graphs: MappedGraphs | None = None
    statements: Statements | None = None  # the statements file the gate wrote for publishing, if any
    unchanged: int = 0  # `kg add`: articles given that the live release already holds as they are
    nothing_changed: bool = False  # `kg add`: every article given is in the live release already; none published

    @property
    def dataset(self) -> Dataset | None:
        """Return the graphs gated as an rdflib Dataset (a new one each call): once published, as the release's
        N-Quads dump holds them (publishing lets go of the graphs in memory before it loads the store)."""
        if self.graphs is not None:
            return self.graphs.to_dataset()
        if self.release is None:
            return None
        dataset = Dataset()
        dataset.parse(self.release / "dumps" / "kg.nq", format="nquads")
        return dataset

    @property
    def exit_code(self) -> int:
        """Return the `kg build` exit code: 1 does not conform, 2 any error, 3 published without some articles."""
        if self.validation is not None and not self.validation.conforms:
            return EXIT_NONCONFORMING
        if self.errors or self.release is None:
            return EXIT_ERROR
        if self.nothing_changed:
            return EXIT_OK
        return EXIT_HELD_BACK if self.held_back else EXIT_OK


@dataclass
class Gated:
    """The graphs that passed (or failed) the gate, their validation, and the articles held back from them."""

    graphs: MappedGraphs
    validation: ValidationResult
    held_back: HeldBack
    statements: Statements | None = None


def extract(
    articles: list[Article],
    reference: Graph,
    settings: dict,
    progress: Progress | None = None,
    errors: list[ArticleError] | None = None,
    client=None,
) -> list[Extraction]:
    """Run the extractor (the trained pipeline of `settings`) over `articles`: on the Dask workers of `client`
    if one is given (`kg.distributed.dask_session`), else in this process.

    On Dask an article whose extraction fails is left out and its error added to `errors`.
    """
    if client is not None:
        extractions, failed = extract_on_dask(articles, settings, client, progress)
        (errors if errors is not None else []).extend(failed)
        return extractions
    if progress:
        progress("extracting", 0, len(articles))  # loading the trained pipeline takes a while
    extractor = RuleExtractor(reference, settings["SPACY_MODEL"])
    return list(_counted(extractor.pipe(articles), len(articles), progress))


def map_extractions(
    extractions: list[Extraction], reference: Graph, settings: dict, build: Build, progress: Progress | None = None
) -> MappedGraphs:
    """Resolve events across `extractions` and map them to the graphs of a release, leaving the extractions as
    they were."""
    # Coreference completes events in place (keys, labels, dates): each set of articles starts afresh from the
    # extractor's output, so what a held-back article said leaves no trace in the merged events of the others.
    resolved = [_for_resolving(x) for x in extractions]
    resolve_events(resolved, progress=progress)
    if progress:
        progress("mapping", 0, 1)
    mapper = Mapper(settings["BASE_IRI"])
    graphs = mapper.graphs(resolved, reference, load_turtle(ONTOLOGY_FILE), load_turtle(SHAPES_FILE))
    if progress:
        progress("mapping", 1, 1)
    build.ended = dt.datetime.now(dt.UTC)
    mapper.add_build(graphs, build, [x.article.identifier for x in extractions])
    return graphs


def _for_resolving(extraction: Extraction) -> Extraction:
    """Return a copy of an extraction that coreference may change: it appends mentions and entities and sets
    the attributes of events (never changing a list or value in place), so those three are copied, not the
    article, quotes and relations a deep copy would duplicate too (a fifth of the mapping stage's time)."""
    return replace(
        extraction,
        entities=dict(extraction.entities),
        mentions=list(extraction.mentions),
        events=[copy.copy(event) for event in extraction.events],
    )


def gate(
    extractions: list[Extraction],
    reference: Graph,
    settings: dict,
    build: Build,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    verdicts: dict[str, Verdict] | None = None,
    client=None,
    statements: Path | None = None,
) -> Gated:
    """Map and validate the extractions; unless `strict`, hold back the articles whose graphs violate a shape.

    Each article graph is validated on its own, on the Dask workers of `client` or over this machine's cores,
    unless `verdicts` (kept by the live release, or by an earlier round here) already hold its verdict; the
    nodes several graphs state are validated together (kg/validate_split.py). After holding articles back, the
    others are resolved, mapped and validated again (merged events change without them), until what remains
    conforms, every article is held back, or a violation comes from no article.

    With `statements` (a path in the data folder, for a build that publishes), the mapped graphs are written
    there as the release's statements file before they are validated: the digests of its graphs then key their
    verdicts, and publishing reads the file written here.
    """
    shapes = load_shapes()
    held_back = HeldBack()
    known = dict(verdicts or {})
    while True:
        kept = [x for x in extractions if x.article.identifier not in held_back]
        graphs = map_extractions(kept, reference, settings, build, progress)
        written = None
        if statements is not None:
            if progress:
                progress("writing statements", 0, 1)
            written = write_statements_file(graphs, statements)
            if progress:
                progress("writing statements", 1, 1)
        digests = {name: chunk.digest for name, chunk in written.graphs.items()} if written else None
        stage = f"validating again without {len(held_back)} held back" if held_back else "validating"
        validation = validate_split(
            graphs, shapes, verdicts=known, progress=progress, stage=stage, client=client, digests=digests
        )
        known.update(validation.verdicts)
        blamed = None if validation.conforms or strict else blame(validation, graphs, shapes)
        if not blamed:
            return Gated(graphs, validation, held_back, written)
        held_back.add(blamed, validation)
        if len(held_back) == len(extractions):
            return Gated(graphs, validation, held_back, written)


def run_build(
    paths: Iterable[str | Path],
    settings: dict,
    *,
    publish: bool = True,
    keep_going: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
) -> BuildOutcome:
    """Build the graph from the articles under `paths` and publish what conforms (all or nothing if `strict`).

    A build that publishes holds the data folder's lock from its start, so a second one stops at once (BuildBusy)
    instead of doing all its work to be refused, or replacing a newer release, at the end.
    """
    if not publish:
        return _run_build(paths, settings, False, keep_going, strict, progress)
    with holding_data_folder(settings):
        return _run_build(paths, settings, True, keep_going, strict, progress)


@contextmanager
def holding_data_folder(settings: dict) -> Iterator[None]:
    """Hold the data folder for one change of its releases (build, add, remove), and clear what killed ones left."""
    data_dir = config.data_dir(settings)
    with _build_lock(data_dir):
        remove_leftovers(data_dir)
        yield


def _run_build(
    paths: Iterable[str | Path], settings: dict, publish: bool, keep_going: bool, strict: bool, progress
) -> BuildOutcome:
    outcome = BuildOutcome(Build(started=dt.datetime.now(dt.UTC)))
    read = read_articles(paths, max_bytes=settings["MAX_ARTICLE_BYTES"], progress=progress)
    outcome.articles, outcome.errors = read.articles, read.errors
    if (outcome.errors and not keep_going) or not outcome.articles:
        return outcome
    reference = load_reference(settings["BASE_IRI"])
    with dask_session(settings, len(outcome.articles)) as client:  # closed before publishing
        extractions = extract(outcome.articles, reference, settings, progress, errors=outcome.errors, client=client)
        if outcome.errors and not keep_going:
            return outcome
        check(
            outcome,
            extractions,
            reference,
            settings,
            publish=publish,
            strict=strict,
            progress=progress,
            client=checks_on(client),
        )
    if publish:
        publish_outcome(outcome, settings, progress, extractions)
    return outcome


def finish(
    outcome: BuildOutcome,
    extractions: list[Extraction],
    reference: Graph,
    settings: dict,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    publish: bool = True,
    verdicts: dict[str, Verdict] | None = None,
    previous: Path | None = None,
) -> BuildOutcome:
    """Gate the extractions of every article of a release and publish what conforms, with the extractions and
    validation verdicts kept in the release for `kg add` and `kg remove` (kg/incremental.py); a published
    `extractions` list is left empty."""
    check(outcome, extractions, reference, settings, publish, strict=strict, progress=progress, verdicts=verdicts)
    if publish:
        publish_outcome(outcome, settings, progress, extractions, previous)
    return outcome


def check(
    outcome: BuildOutcome, extractions: list[Extraction], reference: Graph, settings: dict, publish=True, **options
) -> None:
    """Gate the extractions of every article of a release into `outcome` (its graphs, validation and articles held
    back, and, for a build that will `publish`, the statements file); `options` are those of `gate` (strict,
    progress, verdicts, client)."""
    outcome.articles = [x.article for x in extractions]
    if publish:
        options["statements"] = statements_path(config.data_dir(settings), outcome.build.identifier)
    gated = gate(extractions, reference, settings, outcome.build, **options)
    outcome.graphs, outcome.validation, outcome.held_back = gated.graphs, gated.validation, gated.held_back
    outcome.statements = gated.statements
    del gated  # the graphs are the outcome's alone: publishing lets go of them (see `publish_outcome`)


def publish_outcome(
    outcome: BuildOutcome,
    settings: dict,
    progress: Progress | None,
    extractions: list[Extraction],
    previous: Path | None = None,
) -> BuildOutcome:
    """Publish a gated outcome and return it; the caller holds the data folder's lock (`build_lock`) from its
    start. The extractions are kept in the release and `extractions` is emptied. `previous` is the live
    release that `kg add` or `kg remove` changes: its stores are patched where that pays (kg/patch.py)."""
    data_dir = config.data_dir(settings)
    if not outcome.validation.conforms:
        if outcome.statements is not None:
            remove_statements(outcome.statements)
        outcome.report_folder = write_failed_report(
            data_dir,
            outcome.build.identifier,
            outcome.validation.report,
            outcome.validation.text,
            outcome.held_back,
        )
        return outcome
    with statements_file(data_dir, outcome.build.identifier, outcome.graphs, outcome.statements) as statements:
        outcome.graphs = None  # in the file now: the store and dumps are made from it, with this memory free
        if settings["STORE"] == "sparql":  # into the store first: a failure there leaves both releases as they were
            from kg.store.remote import publish_dataset

            publish_dataset(settings, outcome.build.identifier, statements.quads)
        outcome.release = publish_atomically(
            data_dir,
            outcome.build.identifier,
            statements,
            outcome.validation.report,
            outcome.validation.text,
            prefixes={k: str(v) for k, v in PREFIXES.items()},
            base=settings["BASE_IRI"],
            held_back=outcome.held_back,
            extra=lambda folder: _keep(folder, extractions, outcome, previous),
            progress=progress,
            previous=previous,
        )
    return outcome


def _keep(folder: Path, extractions: list[Extraction], outcome: BuildOutcome, previous: Path | None) -> None:
    """Keep the extractions and validation verdicts in the release being written, for `kg add` and `kg remove`
    (those `previous` keeps as they are are linked from it); then `extractions` is emptied: at 10,000 articles
    they hold ~300 MB that the store needs next."""
    write_cache(folder, extractions, previous)
    extractions.clear()
    write_verdicts(folder, outcome.validation)


@contextmanager
def _build_lock(data_dir: Path) -> Iterator[None]:
    """Let one build at a time write into the data folder; find a folder it cannot write before any work."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(data_dir, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(data_dir))
        lock = (data_dir / ".build.lock").open("w")
    except OSError as error:
        raise PublishError(
            f"cannot write into the data folder {data_dir} ({error.strerror or error}); "
            "give another one with --data-dir or KG_DATA_DIR"
        ) from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"another build is running in {data_dir}; try again when it ends") from None
        yield


def _counted(items: Iterable[Extraction], total: int, progress: Progress | None) -> Iterator[Extraction]:
    for done, item in enumerate(items, start=1):
        if progress:
            progress("extracting", done, total)
        yield item
