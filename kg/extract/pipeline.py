"""The trained spaCy pipeline the extractor stands on, loaded by name (KG_SPACY_MODEL)."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc

from kg.errors import ConfigError

#: The components the extractor reads: part-of-speech tags, the dependency parse, lemmas and named entities.
REQUIRED_COMPONENTS = ("tagger", "parser", "lemmatizer", "ner")


@Language.component("newline_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """Start a new sentence after every line break: headlines and paragraphs never run together.

    A full stop with no space after it inside a name ("Caliber.Az", "Report.az") does not end a sentence.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif previous.text == "." and not previous.whitespace_ and token.text[:1].islower():
            token.is_sent_start = False
    return doc


@Language.component("lemma_norms")
def lemma_norms(doc: Doc) -> Doc:
    """Set each token's NORM to its lower-cased lemma, so that rule patterns match lemmas whatever the case
    ("Summit" in a headline is the lemma summit). It runs last: the trained components have read NORM already."""
    for token in doc:
        token.norm_ = token.lemma_.lower()
    return doc


def sentences_of(doc: Doc) -> list:
    """Return the sentences of `doc`, found once per document: `Doc.sents` walks every token on each call, and
    the extractor reads them about ten times an article (a fifth of its own time went there)."""
    found = doc.user_data.get("sentences")
    if found is None:
        found = doc.user_data["sentences"] = list(doc.sents)
    return found


def text_of(doc: Doc) -> str:
    """Return the text of `doc`, joined once per document: `Doc.text` joins every token anew on each access
    (an eighth of the extractor's own time went there)."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def lemma_as_norm(token: dict) -> dict:
    """Turn a pattern token's LEMMA constraint into one on NORM, the lower-cased lemma (see `lemma_norms`)."""
    if "LEMMA" not in token:
        return token
    rest = {k: v for k, v in token.items() if k != "LEMMA"}
    lemma = token["LEMMA"]
    value = {"IN": [w.lower() for w in lemma["IN"]]} if isinstance(lemma, dict) else lemma.lower()
    return {**rest, "NORM": value}


def read_pattern_rows(text: str, source: str, labels: Collection[str] | None = None) -> list[dict]:
    """Return the `{"label": …, "pattern": […]}` rows of a JSON-lines patterns text; a bad line (not JSON, no
    label or pattern, a label outside `labels`, a pattern spaCy's Matcher refuses) raises ConfigError at its line."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ConfigError(f"{source}:{number}: not JSON ({error.msg}, column {error.colno})") from None
        if not isinstance(row, dict) or not isinstance(row.get("label"), str) or not _is_pattern(row.get("pattern")):
            raise ConfigError(f'{source}:{number}: expected {{"label": …, "pattern": [token objects]}}')
        if labels is not None and row["label"] not in labels:
            raise ConfigError(f"{source}:{number}: unknown event kind {row['label']!r}")
        problems = _dependency_problems(row["pattern"]) if row.get("dependency") else None
        problems = problems if problems is not None else validate_token_pattern(row["pattern"])
        if problems:
            kind = "DependencyMatcher" if row.get("dependency") else "Matcher"
            raise ConfigError(f"{source}:{number}: not a spaCy {kind} pattern: {'; '.join(problems)}")
        rows.append(row)
    return rows


def _dependency_problems(pattern: list[dict]) -> list[str] | None:
    """Return what is wrong with a DependencyMatcher pattern's nodes (ids, relations, token attributes), if any."""
    problems = []
    for i, node in enumerate(pattern):
        keys = {"RIGHT_ID", "RIGHT_ATTRS"} if i == 0 else {"LEFT_ID", "REL_OP", "RIGHT_ID", "RIGHT_ATTRS"}
        if set(node) != keys:
            problems.append(f"node {i} must have exactly the keys {sorted(keys)}")
            continue
        problems += [f"node {i}: {p}" for p in validate_token_pattern([node["RIGHT_ATTRS"]])]
    return problems


def lemma_as_norm_node(node: dict) -> dict:
    """Turn a DependencyMatcher node's LEMMA constraint into one on NORM (see `lemma_as_norm`)."""
    return {**node, "RIGHT_ATTRS": lemma_as_norm(node["RIGHT_ATTRS"])}


def _is_pattern(pattern) -> bool:
    return isinstance(pattern, list) and bool(pattern) and all(isinstance(token, dict) for token in pattern)


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """Return the installed spaCy pipeline `name`, with line breaks ending sentences."""
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ConfigError(
            f"KG_SPACY_MODEL={name!r}: no installed spaCy pipeline of that name "
            f"(install it with pip, or set KG_SPACY_MODEL to an installed one): {exc}"
        ) from None
    missing = [c for c in REQUIRED_COMPONENTS if c not in nlp.pipe_names]
    if missing:
        raise ConfigError(f"KG_SPACY_MODEL={name!r}: the pipeline has no {', '.join(missing)}")
    nlp.add_pipe("newline_sentences", before="parser")
    nlp.add_pipe("lemma_norms", last=True)
    _keep_domain_names_whole(nlp)
    return nlp


#: A name written as a web domain ("News.Az", "Report.az", "Armenpress.am") is one word, not a sentence end.
_DOMAIN_NAME = re.compile(r"^[A-Z][\w-]*\.(?:[a-z]{2,3}|[A-Z][a-z])$")


def _keep_domain_names_whole(nlp: Language) -> None:
    """Keep names written as web domains one token, whatever else the tokenizer keeps whole; a stop word after
    the full stop ("the Summit.In addition", with the space lost) begins a sentence instead."""
    previous = nlp.tokenizer.token_match
    stop_words = nlp.Defaults.stop_words

    def token_match(text: str):
        domain = _DOMAIN_NAME.match(text)
        if domain and text.rpartition(".")[2].lower() not in stop_words:
            return domain
        return previous(text) if previous else None

    nlp.tokenizer.token_match = token_match
