"""The `kg` command: build, add, remove, validate, query, stats, export.

Exit codes: 0 success (published / conforms), 1 the graph does not conform to
the shapes (nothing published), 2 error (bad input, bad query, nothing published),
3 published, but some articles were held back because their graphs violate a shape,
4 another build, add or remove is running in the data folder (nothing done), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import __version__, config
from kg.errors import BuildBusy, KGError

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR, EXIT_HELD_BACK, EXIT_BUSY = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 128 + 2  # the shell's code for a command stopped by SIGINT


def main(argv: list[str] | None = None) -> int:
    """Run the `kg` command line and return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = config.load({"DATA_DIR": args.data_dir, "BASE_IRI": getattr(args, "base_iri", None)})
        return args.run(args, settings)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"\nkg {args.command}: interrupted; no release was left half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BuildBusy as error:
        print(f"kg {args.command}: {error}", file=sys.stderr)
        return EXIT_BUSY
    except (KGError, OSError) as error:
        print(f"kg {args.command}: {error}", file=sys.stderr)
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    from kg import commands

    parser = argparse.ArgumentParser(
        prog="kg",
        description="Diplomacy KG: turn news articles about relations between states into a published "
        "knowledge graph, and query it.",
        epilog="exit codes: 0 success, 1 graph does not conform to the SHACL shapes (nothing published), "
        "2 error, 3 published without the articles held back for violating the shapes, "
        "4 another build is running in the data folder (this one did nothing; try again when it ends), "
        "130 interrupted by Ctrl-C (no release is left half-written)\n\n"
        "settings (environment variables):\n" + _settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder with the published releases (KG_DATA_DIR, default: var)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser(
        "build",
        parents=[common],
        help="extract, map, validate and publish the graph of the articles that conform",
        description="Read articles (.txt files, .jsonl bulk files or folders of them), extract facts, map them "
        "to RDF, validate against the SHACL shapes, and publish: a new store, dumps and manifest swapped in "
        "atomically. An article whose graph violates a shape is held back (listed with its report, exit code 3) "
        "and the others are published; with --strict one violation publishes nothing (exit code 1). "
        "The previous release stays live on any failure.",
    )
    build.add_argument("paths", nargs="*", type=Path, help="article files or folders (default: KG_SEEDS, seeds/)")
    build.add_argument("--base-iri", help="base of data IRIs (KG_BASE_IRI)")
    build.add_argument(
        "--keep-going",
        action="store_true",
        help="publish the readable articles even if some could not be read (exit code is still 2)",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="publish nothing if any article's graph violates a shape, instead of holding that article back",
    )
    build.set_defaults(run=commands.build)

    add = sub.add_parser(
        "add",
        parents=[common],
        help="add or replace articles in the live release without rebuilding the others",
        description="Read the given articles and extract only those that are new or changed (same identifier, "
        "other content); the live release's other articles are taken as extracted before. Events are resolved "
        "across all articles, mapped, gated by the shapes and published as a new release, atomically, exactly "
        "as `kg build` of the same articles would. Adding an article already there as it is changes nothing.",
    )
    add.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    add.add_argument("--keep-going", action="store_true", help="add the readable articles even if some are not")
    add.add_argument("--strict", action="store_true", help="publish nothing if any article violates a shape")
    add.set_defaults(run=commands.add)

    remove = sub.add_parser(
        "remove",
        parents=[common],
        help="remove articles from the live release by identifier",
        description="Drop the articles with these identifiers (file names without extension, as `kg stats` "
        "lists them) and publish the rest as a new release, gated and atomic like `kg build`.",
    )
    remove.add_argument("identifiers", nargs="+", help="article identifiers")
    remove.add_argument("--strict", action="store_true", help="publish nothing if any article violates a shape")
    remove.set_defaults(run=commands.remove)

    validate = sub.add_parser(
        "validate",
        parents=[common],
        help="check articles or an RDF file against the shapes without publishing",
        description="Validate against the SHACL shapes. Given article files/folders, builds the graph in memory "
        "and validates it; given an RDF file (.ttl .trig .nq .nt .jsonld), validates that file.",
    )
    validate.add_argument("paths", nargs="*", type=Path, help="article files/folders or one RDF file")
    validate.add_argument("--base-iri", help="base of data IRIs (KG_BASE_IRI)")
    validate.add_argument("--warnings", action="store_true", help="list warnings as well as violations")
    validate.set_defaults(run=commands.validate)

    query = sub.add_parser(
        "query",
        parents=[common],
        help="run a SPARQL query against the published graph",
        description="Run a SPARQL query on the live release. The default graph is the union of all graphs; "
        "GRAPH ?g reaches each article's graph.",
    )
    source = query.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="the SPARQL query text")
    source.add_argument("-f", "--file", type=Path, help="read the query from this .rq file")
    query.add_argument(
        "--format",
        choices=["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld"],
        help="output format: table (default), json, csv, tsv or xml for SELECT/ASK; "
        "turtle (default), ntriples or jsonld for CONSTRUCT/DESCRIBE",
    )
    query.set_defaults(run=commands.query)

    stats = sub.add_parser(
        "stats",
        parents=[common],
        help="count what the published graph holds",
        description="Counts per class, per article and per named graph of the live release.",
    )
    stats.add_argument("--json", action="store_true", help="print JSON instead of tables")
    stats.set_defaults(run=commands.stats)

    export = sub.add_parser(
        "export",
        parents=[common],
        help="write the published graph in an RDF format",
        description="Write the live release as TriG, N-Quads, Turtle, N-Triples or JSON-LD.",
    )
    export.add_argument("--format", choices=["trig", "nquads", "turtle", "ntriples", "jsonld"], default="trig")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    export.set_defaults(run=commands.export)
    return parser


def _settings_help() -> str:
    return "\n".join(
        f"  KG_{key:<24} {config.DOCS[key]} (default: {default})" for key, default in config.DEFAULTS.items()
    )


if __name__ == "__main__":
    sys.exit(main())
