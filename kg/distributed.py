"""Extraction as a map over a Dask bag, and the SHACL gate's per-graph checks as Dask tasks: worker processes on
every core of this machine, or a Dask cluster.

The per-article work of a build — the trained pipeline and the rules, then the SHACL check of each article's
graph (kg/validate_split.py) on a cluster at an address — runs on Dask workers; what needs every article at
once (event coreference, mapping the merged events, gathering the validation report, publishing) stays in the
calling process. One cluster serves both stages of a build (`dask_session`): its workers drop the trained
pipeline before they check graphs. A local cluster is closed after extraction instead, and the graphs are
checked on a local process pool (`checks_on` says why).

Articles are read by the caller and shipped to the workers as plain values, so a remote cluster needs the
package installed, not the article files. Each worker builds its extractor once (a module-level cache keyed
by the pipeline and base IRI) and keeps it for every later partition; nothing heavy crosses the scheduler.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from kg.articles import Article
from kg.errors import ArticleError, ConfigError
from kg.extract.model import Extraction

Progress = Callable[[str, int, int], None]

#: Articles per partition: small enough to balance two workers on a few hundred articles, large enough for
#: spaCy's batching and to keep the scheduler's overhead per task (~1 ms) out of sight.
PARTITION_SIZE = 16


@dataclass(frozen=True)
class Failure:
    """An article a worker could not extract (ArticleError does not survive pickling: it takes two arguments)."""

    source: str
    reason: str


def scheduler_address(settings: dict, article_count: int) -> str | None:
    """Return where extraction runs: None (in this process), "local" (a LocalCluster) or a scheduler address."""
    choice = settings["DASK_SCHEDULER"].strip()
    if choice == "none":
        return None
    if choice == "auto":
        if article_count < settings["DASK_MIN_ARTICLES"] or (os.cpu_count() or 1) < 2:
            return None
        return "local"
    return choice


@contextmanager
def dask_session(settings: dict, article_count: int) -> Iterator:
    """Yield a Dask client for the per-article work of a build of `article_count` articles, or None where that
    work runs in this process (see `scheduler_address`)."""
    address = scheduler_address(settings, article_count)
    if address is None:
        yield None
        return
    with _client(address) as client:
        yield client


def checks_on(client):
    """Return the client the SHACL gate's per-graph checks run on after extraction ran on `client`, if any.

    A cluster at an address keeps them: its workers drop their extractors (the pipeline's memory) and check the
    graphs. A local cluster this build started is closed instead, and the checks run on the local process pool
    (kg/validate_split.py): run through the local cluster, whose scheduler lives in the build process, they left
    that process ~150 MB larger at 3,000 articles and ~470 MB at 10,000 (a 2.16 GB peak against 1.68 GB), for
    the same cores doing the same work.
    """
    if client is None:
        return None
    if getattr(client.cluster, "workers", None) is not None:  # a LocalCluster this build started
        cluster = client.cluster
        client.close()
        cluster.close()
        return None
    client.run(_drop_extractors)
    return client


def _drop_extractors() -> None:
    import gc

    worker_extractor.cache_clear()
    gc.collect()


def extract_on_dask(
    articles: list[Article], settings: dict, client, progress: Progress | None = None
) -> tuple[list[Extraction], list[ArticleError]]:
    """Extract `articles` on the Dask workers of `client` (or of a scheduler address: "local" is this machine's
    cores), in article order.

    An article whose extraction fails becomes an ArticleError naming it; the others go on.
    """
    if isinstance(client, str):
        with _client(client) as connected:
            return extract_on_dask(articles, settings, connected, progress)
    import dask.bag as db
    from distributed import as_completed

    bag = db.from_sequence(articles, partition_size=PARTITION_SIZE)
    parts = bag.map_partitions(extract_partition, settings["SPACY_MODEL"], settings["BASE_IRI"]).to_delayed()
    chunks = [articles[i : i + PARTITION_SIZE] for i in range(0, len(articles), PARTITION_SIZE)]  # as the bag's
    results: list[list] = [[] for _ in chunks]
    with warnings.catch_warnings():
        # The article texts are the graph's data and must reach the workers once either way; Dask's advice to
        # load them on the workers would need the files there too, which a remote cluster does not have.
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        futures = client.compute(parts)
        position = {future.key: index for index, future in enumerate(futures)}
        done = 0
        for future in as_completed(futures):
            index = position[future.key]
            results[index] = _result(future, chunks[index])
            done += len(chunks[index])
            if progress:
                progress("extracting", done, len(articles))
    extractions, errors = [], []
    for item in (item for part in results for item in part):
        if isinstance(item, Failure):
            errors.append(ArticleError(item.source, item.reason))
        else:
            extractions.append(item)
    return extractions, errors


def _result(future, articles: list[Article]) -> list[Extraction | Failure]:
    """Return a partition's extractions, or a failure for each of its articles if its task itself failed."""
    if future.status == "finished":
        return future.result()
    error = future.exception()  # e.g. KilledWorker: an article crashed the worker process every time it ran
    reason = f"extraction failed on the Dask workers: {type(error).__name__}: {error}"
    return [Failure(article.source, reason) for article in articles]


def extract_partition(articles: list[Article], model: str, base: str) -> list[Extraction | Failure]:
    """Extract one partition on a worker; an article that fails is returned as a Failure, not raised."""
    extractor = worker_extractor(model, base)
    try:
        return list(extractor.pipe(articles))
    except Exception:  # one bad article spoils spaCy's batch: redo this partition one article at a time
        return [_extract_one(extractor, article) for article in articles]


@lru_cache(maxsize=2)
def worker_extractor(model: str, base: str):
    """Return this process's extractor for `model` and `base`, built on first use and kept for later tasks."""
    from kg.extract.rules import RuleExtractor
    from kg.reference import load_reference

    return RuleExtractor(load_reference(base), model)


def _extract_one(extractor, article: Article) -> Extraction | Failure:
    try:
        return extractor(article)
    except Exception as error:
        return Failure(article.source, f"extraction failed: {type(error).__name__}: {error}")


@contextmanager
def _client(address: str) -> Iterator:
    """Connect to the scheduler at `address`, or start a cluster of one single-threaded worker per core."""
    from distributed import Client, LocalCluster

    if address != "local":
        try:
            client = Client(address, timeout="10s")
        except OSError as error:
            raise ConfigError(f"KG_DASK_SCHEDULER={address}: cannot reach the Dask scheduler ({error})") from None
        with client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,  # no fixed port: several builds may share a machine
        # a worker whose scheduler closed first logs a heartbeat traceback at ERROR; failures reach the build
        # through the futures, named by article
        silence_logs=logging.CRITICAL,
    )
    with cluster, Client(cluster) as client:
        yield client
