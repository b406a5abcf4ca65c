"""Checks a query must pass before the engine sees it: bounded nesting, no SERVICE, no remote FROM, no update.

The embedded engine fetches `SERVICE <url>` with its own HTTP client and segfaults on a few
thousand nested groups, and it has no switch for either; so every query goes through
`check_query` first (inside the query worker process, where even a parser crash is contained).

- Nesting is measured by a linear scan over brackets before any parser runs; brackets inside
  strings count too, which only errs on the side of refusing. A run of `!` (the engine accepts
  `!!!?x`, each one a level of its parser) counts as nesting as well.
- A query whose text (lower-cased) contains none of `service`, `from` or a `\\u` escape cannot
  hold a SERVICE pattern or a dataset clause, so it skips the slow parse ("fast path").
- Otherwise rdflib's SPARQL parser reads it (it expands `\\u` escapes, ignores comments and IRIs)
  and the tree is walked for `ServiceGraphPattern` and for FROM / FROM NAMED graphs that are not
  graphs of this dataset. What rdflib cannot parse is refused: an unverified query never runs.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

MAX_DEPTH = 200
_OPEN = frozenset("({[")
_CLOSE = frozenset(")}]")
_BRACKETS = re.compile(r"[(){}\[\]]")
_NEGATION = "!"
_NEGATIONS = re.compile(r"(?:!(?!=)\s*)+")  # maximal runs, so the scan stays linear
_PYOXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
# One entry of the engine's "expected one of …" list: a character class, a quoted token or a bare word/note.
_EXPECTED_ITEM = re.compile(r"\[(?:[^\]\\]|\\.|'\]')*\]|\"(?:[^\"\\]|\\.)*\"|[^,\[\"]+")
_PREFIXED_NAME = re.compile(r"([A-Za-z][\w.\-]*)?:[\w.\-%]*$")


@dataclass
class QueryRejected(Exception):
    """A query refused before evaluation: an error kind, HTTP status and a message for the user."""

    kind: str
    message: str
    status: int = 400
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Verdict:
    """What the guard learned: whether the query names its own dataset (FROM / FROM NAMED)."""

    has_dataset_clause: bool = False


def check_query(text: str, graphs: Collection[str], max_depth: int = MAX_DEPTH) -> Verdict:
    """Refuse (raise QueryRejected) a query that could crash the engine or reach another machine."""
    check_nesting(text, max_depth)
    lowered = text.lower()
    if "service" not in lowered and "from" not in lowered and "\\u" not in lowered:
        return Verdict()
    tree = parse(text)
    refuse_service(tree)
    return Verdict(has_dataset_clause=refuse_remote_dataset(tree, graphs))


def check_nesting(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse text nesting brackets (or chaining `!`) deeper than `max_depth`, in one pass and without recursion."""
    if text.count(_NEGATION) > max_depth:
        check_negations(text, max_depth)
    if text.count("(") + text.count("{") + text.count("[") <= max_depth:
        return
    depth = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in _OPEN:
            depth += 1
            if depth > max_depth:
                line, column = position(text, match.start())
                raise QueryRejected(
                    "too-deeply-nested",
                    f"the query nests groups or parentheses more than {max_depth} deep",
                    line=line,
                    column=column,
                )
        elif depth:
            depth -= 1


def check_negations(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a run of more than `max_depth` `!` operators (whitespace between them allowed)."""
    for match in _NEGATIONS.finditer(text):
        if match.group().count(_NEGATION) > max_depth:
            line, column = position(text, match.start())
            raise QueryRejected(
                "too-deeply-nested", f"the query chains more than {max_depth} `!` operators", line=line, column=column
            )


def parse(text: str):
    """Parse with rdflib's SPARQL grammar; refuse updates and what it cannot read."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(text)
    except ParseException as error:
        refuse_if_update(text)
        raise QueryRejected("query-syntax", f"syntax error: {error.msg}", line=error.lineno, column=error.col) from None
    except RecursionError:
        raise QueryRejected("too-complex", "the query is too deeply structured to check") from None
    except ValueError as error:  # rdflib expands escapes while parsing: `\\U00110000` is no character
        raise QueryRejected("query-syntax", f"syntax error: {shorten(str(error))}") from None
    except TypeError as error:  # rdflib's parser fails on a few valid forms (some negative decimals)
        message = f"the query could not be checked before running, so it is not run ({shorten(str(error), 120)})"
        raise QueryRejected("query-unverifiable", message) from None


def refuse_if_update(text: str) -> None:
    """Raise the read-only refusal if `text` is a SPARQL Update request."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except (ParseException, RecursionError, ValueError):
        return
    if "request" in update and update["request"]:  # an empty update (only comments, a prologue) is no update
        raise update_refused()


def update_refused() -> QueryRejected:
    """Return the refusal every update gets, whichever way it was sent."""
    return QueryRejected("update-refused", "this endpoint is read-only: SPARQL Update is not accepted", status=403)


def refuse_service(tree) -> None:
    """Refuse any SERVICE pattern, wherever it sits (subqueries, EXISTS, OPTIONAL, UNION…)."""
    for node in walk(tree):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryRejected("service-refused", "SERVICE is not allowed: this endpoint never queries other servers")


def refuse_remote_dataset(tree, graphs: Collection[str]) -> bool:
    """Refuse FROM / FROM NAMED graphs this dataset does not hold; return whether any dataset clause exists."""
    from rdflib.plugins.sparql.algebra import translatePrologue

    # Not `.get(key, default)`: rdflib's CompValue.get takes other arguments in that place.
    clauses = tree[1]["datasetClause"] if "datasetClause" in tree[1] else []  # noqa: SIM401
    prologue = translatePrologue(tree[0], None) if clauses else None
    for clause in clauses:
        iri = str(prologue.absolutize(next(iter(clause.values()))))
        if iri not in graphs:
            raise QueryRejected(
                "remote-dataset",
                f"FROM <{iri}> is not a graph of this dataset; this endpoint never fetches graphs from elsewhere",
            )
    return bool(clauses)


def walk(tree):
    """Yield every node of an rdflib parse tree, iteratively (trees can be deep)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def engine_syntax_error(text: str, message: str) -> QueryRejected:
    """Turn the engine's SyntaxError message into a short typed rejection with line and column."""
    match = _PYOXIGRAPH_POSITION.match(message)
    if not match:
        return QueryRejected("query-syntax", f"syntax error: {shorten(message.split(chr(10), 1)[0])}")
    line, column = int(match.group(1)), int(match.group(2))
    reason = syntax_reason(message[match.end() :], text, line, column)
    near = snippet(text, line, column)
    where = f"at line {line}, column {column}" + (f" (near {near!r})" if near else "")
    return QueryRejected("query-syntax", f"syntax error {where}: {reason}", line=line, column=column)


def syntax_reason(expected: str, text: str, line: int, column: int) -> str:
    """Say what went wrong from the engine's list of expected tokens (its parser's own notes first)."""
    items = _EXPECTED_ITEM.findall(expected.removeprefix("expected one of ").removeprefix("expected "))
    items = [item.strip() for item in items if item.strip()]
    notes = [item for item in items if " " in item and not item.startswith(("[", '"'))]
    if "Prefix not found" in notes:
        prefix = _PREFIXED_NAME.search(line_text(text, line)[: column - 1])
        return f"undeclared prefix {prefix.group(1)}:" if prefix else "undeclared prefix"
    if notes:
        note = notes[0]
        return note if note[1:2].isupper() else note[0].lower() + note[1:]
    words = [item for item in items if not item.startswith("[")]
    # A lone keyword is the last alternative the parser tried, rarely what the query lacks.
    if len(words) < 2 and not (words and words[0].startswith('"')):
        return "the query cannot be read from here on"
    listed = ", ".join(words[:8]) + (", …" if len(words) > 8 else "")
    return f"expected {listed}" if len(words) == 1 else f"expected one of {listed}"


def line_text(text: str, line: int) -> str:
    """Return line `line` (1-based) of `text`, or '' past its end."""
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def snippet(text: str, line: int, column: int) -> str:
    """Return a few words of the query around a position, on its line."""
    row = line_text(text, line)
    return row[max(0, column - 26) : column + 4].strip()


def shorten(message: str, limit: int = 300) -> str:
    """Cut a message to `limit` characters."""
    return message if len(message) <= limit else message[:limit] + "…"
