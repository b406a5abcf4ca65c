"""What each `kg` subcommand does: parse nothing, call the core, print the outcome."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from kg import config
from kg.errors import KGError
from kg.publish import HELD_BACK_TEXT, current_release, load_query_stores

RDF_SUFFIXES = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld"}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
EXPORT_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def build(args, settings: dict) -> int:
    """Build and publish the graph; print what happened."""
    from kg.build import run_build

    with ProgressBars() as progress:
        outcome = run_build(
            _paths(args, settings), settings, keep_going=args.keep_going, strict=args.strict, progress=progress
        )
    _report_build(outcome)
    return outcome.exit_code


def add(args, settings: dict) -> int:
    """Add or replace articles in the live release; print what changed."""
    from kg.incremental import run_add

    with ProgressBars() as progress:
        outcome = run_add(args.paths, settings, keep_going=args.keep_going, strict=args.strict, progress=progress)
    if outcome.nothing_changed:
        _print_errors(outcome.errors)
        print(f"nothing changed: the live release holds all {outcome.unchanged} articles as they are", file=sys.stderr)
    else:
        _report_build(outcome)
    return outcome.exit_code


def remove(args, settings: dict) -> int:
    """Remove articles from the live release; print what was published."""
    from kg.incremental import run_remove

    with ProgressBars() as progress:
        outcome = run_remove(args.identifiers, settings, strict=args.strict, progress=progress)
    _report_build(outcome)
    return outcome.exit_code


def validate(args, settings: dict) -> int:
    """Validate articles (built in memory) or an RDF file; print the problems."""
    from kg.build import run_build
    from kg.validate import validate as shacl_validate

    paths = _paths(args, settings)
    rdf_files = [path for path in paths if _rdf_format(path)]
    if rdf_files and len(paths) > 1:
        raise KGError(f"{rdf_files[0]}: an RDF file is validated alone; give it as the only path")
    if rdf_files:
        result = shacl_validate(_parse_rdf(rdf_files[0]))
        errors = []
    else:
        with ProgressBars() as progress:
            outcome = run_build(paths, settings, publish=False, keep_going=True, strict=True, progress=progress)
        _print_errors(outcome.errors)
        result, errors = outcome.validation, outcome.errors
        if result is None:
            print("nothing validated: no article could be read", file=sys.stderr)
            return 2
    _print_problems(result, args.warnings)
    if not result.conforms:
        return 1
    return 2 if errors else 0


def query(args, settings: dict) -> int:
    """Run a SPARQL query on the live release and print the results."""
    text = _query_text(args)
    store, arguments = load_query_stores(_release(settings), settings["QUERY_STORE"]).for_query(text)
    try:
        results = store.query(text, **arguments)
    except SyntaxError as error:
        raise KGError(f"query syntax error: {error}") from None
    _write_results(results, args.format, sys.stdout.buffer)
    return 0


def stats(args, settings: dict) -> int:
    """Print counts per class, per article and per named graph of the live release."""
    store = open_published_store(settings)
    figures = {
        "quads": len(store),
        "classes": _pairs(store, "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) { ?s a ?k } GROUP BY ?k ORDER BY DESC(?n)"),
        "articles": _pairs(
            store,
            """PREFIX dip: <https://w3id.org/diplomacy-kg/ontology#>
            PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?id (COUNT(DISTINCT ?fact) AS ?n) WHERE {
              ?a a dip:Article ; dct:identifier ?id . OPTIONAL { ?fact dip:reportedIn ?a }
            } GROUP BY ?id ORDER BY ?id""",
        ),
        "graphs": _pairs(
            store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", union=False
        ),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"quads: {figures['quads']}")
    for title, key in (
        ("instances per class", "classes"),
        ("facts reported per article", "articles"),
        ("triples per named graph", "graphs"),
    ):
        print(f"\n{title}:")
        for name, count in figures[key].items():
            print(f"  {count:>8}  {name}")
    return 0


def export(args, settings: dict) -> int:
    """Write the live release in the requested format."""
    release = _release(settings)
    names = {"trig": "kg.trig", "nquads": "kg.nq", "jsonld": "kg.jsonld", "turtle": "kg.ttl", "ntriples": "kg.nt"}
    dump = release / "dumps" / names[args.format]
    if args.output:
        args.output.write_bytes(dump.read_bytes())
        print(f"wrote {args.output} ({dump.stat().st_size:,} bytes)", file=sys.stderr)
    else:
        with dump.open("rb") as stream:
            sys.stdout.buffer.write(stream.read())
    return 0


def open_published_store(settings: dict) -> ox.Store:
    """Open the live release's store read-only."""
    return ox.Store.read_only(str(_release(settings) / "store"))


def _release(settings: dict) -> Path:
    release = current_release(config.data_dir(settings))
    if release is None:
        raise KGError(f"nothing published in {config.data_dir(settings)} yet; run `kg build` first")
    return release


def _paths(args, settings: dict) -> list[Path]:
    return list(args.paths) or [Path(settings["SEEDS"])]


def _write_results(results, chosen: str | None, out) -> None:
    """Write query results in the chosen format, or the default one of their query form."""
    if isinstance(results, ox.QueryTriples):
        rdf_format = _checked_format(chosen, "turtle", GRAPH_FORMATS, "CONSTRUCT/DESCRIBE")
        results.serialize(out, GRAPH_FORMATS[rdf_format])
        unterminated = rdf_format == "jsonld"
    else:
        result_format = _checked_format(chosen, "table", {"table": None, **RESULT_FORMATS}, "SELECT/ASK")
        is_boolean = isinstance(results, ox.QueryBoolean)
        if result_format == "table" and is_boolean:
            out.write(str(bool(results)).lower().encode())
        elif result_format == "table":
            out.flush()
            _print_table(results)
        else:
            results.serialize(out, RESULT_FORMATS[result_format])
        unterminated = is_boolean or result_format in ("json", "xml")
    if unterminated:
        out.write(b"\n")
    out.flush()


def _query_text(args) -> str:
    if not args.file:
        return args.query
    try:
        return args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KGError(f"{args.file}: cannot read the query: {error}") from None


def _checked_format(chosen: str | None, default: str, allowed: dict, form: str) -> str:
    """Return the output format for a result of the given query form; refuse one that does not fit it."""
    if chosen is None:
        return default
    if chosen not in allowed:
        raise KGError(f"--format {chosen} does not fit a {form} result; use one of: {', '.join(allowed)}")
    return chosen


def _rdf_format(path: Path) -> str | None:
    """Return rdflib's name of the RDF format of `path` by its suffix (`.gz` allowed), or None."""
    suffixes = path.suffixes[-2:] if path.suffix == ".gz" else path.suffixes[-1:]
    return RDF_SUFFIXES.get(suffixes[0]) if suffixes else None


def _parse_rdf(path: Path):
    from rdflib import Dataset

    rdf_format = _rdf_format(path)
    dataset = Dataset()
    try:
        data = path.read_bytes()
        dataset.parse(data=gzip.decompress(data) if path.suffix == ".gz" else data, format=rdf_format)
    except Exception as error:  # rdflib raises many parser-specific types
        raise KGError(f"{path}: cannot parse as {rdf_format}: {error}") from None
    return dataset


def _pairs(store: ox.Store, sparql: str, union: bool = True) -> dict[str, int]:
    rows = store.query(sparql, use_default_graph_as_union=union)
    return {row[0].value: int(row[1].value) for row in rows}


def _print_table(solutions: ox.QuerySolutions) -> None:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(row[name]) for name in names] for row in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    print("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"({len(rows)} rows)", file=sys.stderr)


def _cell(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, ox.Literal) else str(term)


class ProgressBars:
    """One progress bar per stage of a build on stderr (`progress(stage, done, total)`); silent off a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.quiet = not self.stream.isatty()
        self.bar: tqdm | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is None or self.bar.desc != stage:
            self.close()
            self.bar = tqdm(desc=stage, total=total or None, file=self.stream, leave=True)
        self.bar.n = done
        self.bar.refresh()
        if total and done >= total:  # a stage's time is its own, not the wait for the next one
            self.close()

    def close(self) -> None:
        """Close the bar of the stage under way."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _print_errors(errors) -> None:
    for error in errors:
        print(f"error: {error}", file=sys.stderr)


def _print_problems(result, warnings: bool) -> None:
    from kg.validate import format_problems

    shown = [p for p in result.problems if warnings or p.severity == "Violation"]
    if shown:
        print(format_problems(shown))
    print(result.text.partition("\n")[0], file=sys.stderr)


def _report_build(outcome) -> None:
    _print_errors(outcome.errors)
    print(f"read {len(outcome.articles)} articles, {len(outcome.errors)} errors", file=sys.stderr)
    if not outcome.articles:
        print("nothing published: no article could be read", file=sys.stderr)
    elif outcome.errors and outcome.validation is None:
        print("nothing published: fix the files above or use --keep-going", file=sys.stderr)
    if outcome.validation is not None:
        _print_problems(outcome.validation, warnings=False)
    for identifier in sorted(outcome.held_back.problems):
        print(f"held back {identifier}: {outcome.held_back.reason(identifier)}", file=sys.stderr)
    if outcome.report_folder:
        print(f"nothing published; validation report: {outcome.report_folder}", file=sys.stderr)
    if outcome.release:
        print(f"published {outcome.release}", file=sys.stderr)
    if outcome.release and outcome.held_back:
        report = outcome.release / "dumps" / HELD_BACK_TEXT
        print(f"published without the held-back articles above; their report: {report}", file=sys.stderr)
