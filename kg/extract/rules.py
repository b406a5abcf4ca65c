"""The rule-based extractor: spaCy tokenisation and phrase matching over the reference gazetteer,
trigger lexicons for events and relations, temporal normalisation and quote attribution."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from rdflib import Graph
from spacy.language import Language
from spacy.tokens import Doc

from kg import config
from kg.articles import Article
from kg.extract.borders import find_border
from kg.extract.dates import find_time_expressions
from kg.extract.entities import EntityFinder
from kg.extract.events import EventFinder, Sentence, describe_agreement, happening_mentions
from kg.extract.happenings import described_happenings
from kg.extract.model import Extraction, Mention, Span
from kg.extract.pipeline import load_pipeline
from kg.extract.quotes import find_quotes, mask_quotes, quote_regions
from kg.extract.relations import find_relations
from kg.reference import Gazetteer, load_reference


@Language.component("newline_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """Start a new sentence after every line break: headlines and paragraphs never run together.

    A full stop with no space after it is inside a name ("Caliber.Az", "Report.az"), not at a sentence end.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif previous.text == "." and not previous.whitespace_ and token.text[:1].isalpha():
            token.is_sent_start = False
    return doc


class RuleExtractor:
    """Extract entities, events, quotes and relations from articles with deterministic, explainable rules."""

    def __init__(self, reference: Graph | None = None, model: str | None = None):
        self.gazetteer = Gazetteer.from_graph(reference if reference is not None else load_reference())
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.nlp.add_pipe("newline_sentences")
        self.entities = EntityFinder(self.nlp, self.gazetteer)
        self.events = EventFinder(self.gazetteer)
        # Quotes read the trained pipeline's parse; the rest of the rules still run on the blank pipeline.
        self.parser = load_pipeline(model or config.load()["SPACY_MODEL"])

    def __call__(self, article: Article) -> Extraction:
        """Return everything the rules find in one article."""
        return self._extract(article, self.nlp(article.text))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        """Extract from many articles, streaming them through spaCy."""
        for doc, article in self.nlp.pipe(((a.text, a) for a in articles), as_tuples=True):
            yield self._extract(article, doc)

    def _extract(self, article: Article, doc: Doc) -> Extraction:
        text = article.text
        found, entities = self.entities(doc, article.published)
        regions = quote_regions(text)
        # Scare quotes ("a “counterterrorism operation”") are the article's own words: only quotations are masked.
        masked = mask_quotes(text, [r for r in regions if not r.is_short(text)])
        sentences = _sentences(doc, masked, found)
        events = self.events(sentences, article.published)
        mentions = [Mention(m.key, Span(m.start, m.end, text[m.start : m.end])) for m in found]
        named = {m.entity for m in mentions}
        mentions += [m for m in happening_mentions(events, self.events.happenings) if m.entity not in named]
        mentions += [m for m in _agreement_mentions(events, text) if m.entity not in named]
        mentions += described_happenings(sentences, self.gazetteer)
        for event in events:
            for key in [*event.participants, *event.hosts, *event.mediators]:
                if key not in entities and key in self.gazetteer.entities:
                    entities[key] = self.entities._entity(key)
        for mention in mentions:
            if mention.entity not in entities:
                entities[mention.entity] = self.entities._entity(mention.entity)
        relations = find_relations(sentences, article.published, self.gazetteer)
        border, border_mentions = find_border(sentences, events, relations, self.gazetteer)
        if border is not None:
            entities[border.key] = border
            mentions += border_mentions
        return Extraction(
            article=article,
            entities=entities,
            mentions=mentions,
            events=events,
            quotes=find_quotes(self.parser(text), found, events),
            relations=relations,
        )


def _agreement_mentions(events, text: str) -> list[Mention]:
    """Return a mention of each reference agreement a signing report was linked to by its description."""
    out = []
    for event in events:
        agreements = [k for k in event.topics if k.startswith("agreement/")]
        described = describe_agreement(event.evidence.text)
        if agreements and described:
            start, end = event.evidence.start + described.start(), event.evidence.start + described.end()
            out.append(Mention(agreements[0], Span(start, end, text[start:end])))
    return out


def _sentences(doc: Doc, masked: str, found) -> list[Sentence]:
    text = doc.text
    times = find_time_expressions(text)
    out = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        out.append(
            Sentence(
                start=start,
                end=end,
                text=text[start:end],
                mentions=[m for m in found if start <= m.start < end],
                times=[t for t in times if start <= t.start < end],
                masked=masked[start:end],
            )
        )
    return out
