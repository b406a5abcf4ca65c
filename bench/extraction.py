"""Extraction speed: words per second beside the trained pipeline alone, and what two cores give.

A corpus of synthetic diplomatic news is generated from the reference entities and templates, then run
through (a) the trained spaCy pipeline alone (tagger, parser, NER, lemmatizer) — the floor, measured in
the same run on the same texts — and (b) the whole extraction (the pipeline, then entities, events, quotes,
relations and cross-article coreference), both on one core; then (c) the per-article extraction on two
worker processes (each loads the pipeline once, before timing) against (d) the same on one process.
Targets: (b) costs at most 1.5x (a); (c) is at least 1.8x as fast as (d).

    python bench/extraction.py [--articles 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import statistics
import time

from rdflib import RDF, RDFS

from kg.articles import Article
from kg.extract.coreference import resolve_events
from kg.extract.rules import RuleExtractor
from kg.ids import DIP
from kg.reference import load_reference

TEMPLATES = [
    "{p1}, the {c1_dem} foreign minister, arrived in {city} on {weekday} at the invitation of his {c2_dem} "
    "counterpart {p2}.",
    "The two ministers held talks in {city} on regional security and trade, officials said.",
    "\u201cWe reaffirmed our commitment to lasting peace in the region,\u201d {p1_last} said at a joint news "
    "conference with {p2_last}.",
    "{c1} and {c2} signed a memorandum on energy cooperation in {month} {year}.",
    "{c1} closed its border with {c2} in {old_year}, and the two countries have had no diplomatic ties since.",
    "President {p3} held a phone call with his {c2_dem} counterpart last week, discussing the peace process.",
    "Last month, envoys of {c1} and {c2} met in {city2} for the third round of normalization talks.",
    "{c1} and {c2} established diplomatic relations in {old_year}.",
    "The sides agreed to hold the next meeting in {city2} later this year, according to a joint statement.",
    "\u201cThere is a historic chance for peace,\u201d {p2_last} told reporters. \u201cWe must not miss it.\u201d",
    "Military exercises involving troops from {c1} and {c2} were held near {city2} in {month}.",
    "{c1} has invested more than $5 billion in {c2} over the past decade, the ministry said.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October"]


def reference_names(graph) -> dict[str, list[tuple[str, str]]]:
    """Return (label, demonym) of countries and labels of people and cities from the reference graph."""
    countries = [
        (str(graph.value(c, RDFS.label)), str(graph.value(c, DIP.demonym) or graph.value(c, RDFS.label)))
        for c in graph.subjects(RDF.type, DIP.Country)
    ]
    people = [str(graph.value(p, RDFS.label)) for p in graph.subjects(RDF.type, DIP.Person)]
    places = [str(graph.value(p, RDFS.label)) for p in graph.subjects(RDF.type, DIP.Place)]
    return {"countries": sorted(countries), "people": sorted(people), "places": sorted(places)}


def synthetic_corpus(count: int, seed: int) -> list[Article]:
    """Generate `count` articles of diplomatic news from templates and reference names."""
    rng = random.Random(seed)
    names = reference_names(load_reference())
    articles = []
    for n in range(count):
        (c1, d1), (c2, d2) = rng.sample(names["countries"], 2)
        p1, p2, p3 = rng.sample(names["people"], 3)
        values = {
            "c1": c1,
            "c2": c2,
            "c1_dem": d1,
            "c2_dem": d2,
            "p1": p1,
            "p2": p2,
            "p3": p3,
            "p1_last": p1.split()[-1],
            "p2_last": p2.split()[-1],
            "city": rng.choice(names["places"]),
            "city2": rng.choice(names["places"]),
            "weekday": rng.choice(WEEKDAYS),
            "month": rng.choice(MONTHS),
            "year": rng.randint(2020, 2025),
            "old_year": rng.randint(1991, 2009),
        }
        paragraphs = [t.format(**values) for t in rng.sample(TEMPLATES, 9) + rng.sample(TEMPLATES, 9)]
        published = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
        articles.append(Article(f"bench-{n:05d}", "\n\n".join(paragraphs), "bench", published=published))
    return articles


def timed(label: str, work, articles: list[Article], words: int) -> float:
    started = time.perf_counter()
    work(articles)
    seconds = time.perf_counter() - started
    print(f"{label:44} {len(articles) / seconds:10.1f} {words / seconds:10.0f} {seconds:9.2f}")
    return seconds


_WORKER: RuleExtractor | None = None


def _start_worker() -> None:
    global _WORKER
    _WORKER = RuleExtractor()
    _WORKER(Article("warm-up", "Turkey and Armenia held talks in Vienna on Monday.", "bench"))


def _extract_chunk(articles: list[Article]) -> int:
    return len(list(_WORKER.pipe(articles)))


def on_processes(count: int, articles: list[Article]) -> float:
    """Return the wall seconds `count` worker processes take to extract `articles` (pipelines loaded before)."""
    chunks = [articles[i : i + 25] for i in range(0, len(articles), 25)]
    with multiprocessing.get_context("fork").Pool(count, initializer=_start_worker) as pool:
        pool.map(_extract_chunk, [chunks[0][:1]] * count)  # every worker has loaded its pipeline
        started = time.perf_counter()
        pool.map(_extract_chunk, chunks, chunksize=1)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = synthetic_corpus(args.articles, args.seed)
    words = sum(a.word_count for a in articles)
    mean = statistics.mean(a.word_count for a in articles)
    print(f"corpus: {len(articles)} articles, {words:,} words (mean {mean:.0f}); cores: {os.cpu_count()}")
    print(f"{'':44} {'articles/s':>10} {'words/s':>10} {'seconds':>9}")
    extractor = RuleExtractor()
    pipeline = extractor.nlp  # the same pipeline object the extractor runs
    extractor(articles[0])
    floor = timed(
        "(a) trained pipeline alone (floor), 1 core", lambda b: list(pipeline.pipe(a.text for a in b)), articles, words
    )
    full = timed(
        "(b) whole extraction + coreference, 1 core", lambda b: resolve_events(list(extractor.pipe(b))), articles, words
    )
    verdict = "met" if full / floor <= 1.5 else "MISSED"
    print(f"ratio (b)/(a): {full / floor:.2f}x the pipeline alone (target <= 1.5x: {verdict})")
    one = on_processes(1, articles)
    two = on_processes(2, articles)
    print(f"{'(d) per-article extraction, 1 process':44} {len(articles) / one:10.1f} {words / one:10.0f} {one:9.2f}")
    print(f"{'(c) per-article extraction, 2 processes':44} {len(articles) / two:10.1f} {words / two:10.0f} {two:9.2f}")
    verdict = "met" if one / two >= 1.8 else "MISSED"
    print(f"speed-up (c)/(d): {one / two:.2f}x on two cores (target >= 1.8x: {verdict})")


if __name__ == "__main__":
    main()
