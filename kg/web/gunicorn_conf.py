"""gunicorn settings for `make serve`; KG_WEB_WORKERS / KG_WEB_THREADS override the defaults."""

import os

bind = "127.0.0.1:5000"  # `make serve` passes --bind $(HOST):$(PORT)
workers = int(os.environ.get("KG_WEB_WORKERS", "2"))
worker_class = "gthread"
# More threads than KG_MAX_CONCURRENT_QUERIES (4), so pages, /healthz and 503s answer while queries run.
threads = int(os.environ.get("KG_WEB_THREADS", "8"))
# The request line (a GET query string) is bounded: longer queries go by POST, the rest get 414 before
# any work (unbounded, a 20 MB query string cost a minute of server time). 8190 is gunicorn's maximum.
limit_request_line = 8190
timeout = 120
graceful_timeout = 10
accesslog = "-"


def post_worker_init(worker):
    """Start loading this server process's query workers now (and follow release switches from now on)."""
    worker.wsgi.extensions["kg_query_pool"].warm()
