"""HTTP as the standards write it, on every response: security headers, CORS, validators and caching, compression.

- Security: a Content-Security-Policy (scripts and styles from this server only; the query UI's
  inline styles are allowed, no inline script runs), `nosniff`, no framing, a short Referrer-Policy.
- CORS: any origin may read every read surface; a preflight allows the methods served and the
  request headers the client asks for.
- Validators: a read (GET/HEAD) answered 200 gets an ETag (unless the view set its own: files) made of
  the release's build id, the code's version, the URL and the media type of the answer, and
  Last-Modified (when the release was built); If-None-Match / If-Modified-Since get 304. A release
  never changes, so only a new build (or a new version of the server) changes an answer.
- Compression (Flask-Compress): zstd, br, gzip or deflate, as accepted, for textual answers, pages and
  static files; not for the dumps (they are served as files, with byte ranges, and ship as .gz too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from flask import Flask, Response, request
from flask_compress import Compress

from kg import __version__
from kg.web import release

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # YASGUI and CodeMirror set style attributes
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
EXPOSED = (
    "ETag, Last-Modified, Link, Content-Range, Content-Disposition, Retry-After, X-KG-Truncated, X-KG-Max-Rows,"
    " X-KG-Release"
)
METHODS = "GET, HEAD, POST, OPTIONS"
_HEADER_NAMES = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")
COMPRESSED = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/problem+json",
    "application/xml",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "application/ld+json",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
]
NOT_COMPRESSED = {"dumps.dump_file"}
_compress = Compress()


def init_app(app: Flask) -> None:
    """Add the headers to every response of `app` and compress what may be compressed."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_REGISTER", False)  # called from `finish`, after the validators are set
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 3600)  # static files change only with a new deployment
    _compress.init_app(app)
    app.after_request(finish)


def finish(response: Response) -> Response:
    """Add security, CORS and caching headers; answer 304 where the client's copy is current; compress."""
    for name, value in SECURITY.items():
        response.headers.setdefault(name, value)
    add_cors(response)
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        add_validators(response)
        response.make_conditional(request)
    elif response.status_code >= 400:
        response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code == 200 and request.endpoint not in NOT_COMPRESSED:
        response = _compress.after_request(response)
    return response


def add_cors(response: Response) -> None:
    """Let any origin read the answer; answer a preflight with what the client asked to send."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = METHODS
        asked = request.headers.get("Access-Control-Request-Headers", "").strip()
        allowed = asked if _HEADER_NAMES.match(asked) else "Accept, Content-Type"
        response.headers["Access-Control-Allow-Headers"] = allowed
        response.headers["Access-Control-Max-Age"] = "86400"
        response.vary.add("Access-Control-Request-Headers")


def add_validators(response: Response) -> None:
    """Give a read answer an ETag and Last-Modified from the live release, and a Cache-Control."""
    try:
        live = release.get_release()
    except release.ReleaseUnreadable:
        return
    if live is None or "no-store" in response.headers.get("Cache-Control", ""):  # live state (/healthz)
        return
    build_id = response.headers.get("X-KG-Release", live.build_id)  # a query's answer names its own release
    if response.get_etag() == (None, None):
        variant = "\n".join((__version__, request.full_path, response.content_type or ""))
        response.set_etag(f"{build_id}-{hashlib.blake2b(variant.encode(), digest_size=12).hexdigest()}")
    if response.last_modified is None:
        response.last_modified = built_at(build_id)
    response.headers.setdefault("Cache-Control", "public, no-cache")


def built_at(build_id: str) -> dt.datetime | None:
    """Return when a release was built, read off its id (`20240827T101500123456Z`)."""
    try:
        return dt.datetime.strptime(build_id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
