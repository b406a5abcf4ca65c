"""gunicorn settings for `make serve`; KG_WEB_WORKERS / KG_WEB_THREADS override the defaults."""

import os

bind = os.environ.get("KG_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("KG_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("KG_WEB_THREADS", "4"))
timeout = 120
graceful_timeout = 10
accesslog = "-"
