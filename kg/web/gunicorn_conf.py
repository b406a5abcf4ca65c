"""gunicorn settings for `make serve`; KG_WEB_WORKERS / KG_WEB_THREADS override the defaults."""

import os

bind = os.environ.get("KG_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("KG_WEB_WORKERS", "2"))
worker_class = "gthread"
# More threads than KG_MAX_CONCURRENT_QUERIES (4), so /healthz and 503s answer while queries run.
threads = int(os.environ.get("KG_WEB_THREADS", "8"))
timeout = 120
graceful_timeout = 10
accesslog = "-"
