"""The site's own error pages on every path: a page for browsers, one line of text for other clients.

/sparql answers its errors as problem documents (kg.web.sparql); everything else comes here.
"""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.web import conneg

MESSAGES = {
    404: "Nothing is known about {path}.",
    405: "{path} does not answer {method} requests.",
    500: "The server failed on this request; it has been logged.",
}


def init_app(app: Flask) -> None:
    """Render every HTTP error of `app` (404, 405, 500…) with the site's layout."""
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(InternalServerError, error_page)


def error_page(error: HTTPException) -> Response:
    """Answer an HTTP error: the site's page when the client takes HTML, else a line of plain text."""
    status = error.code or 500
    template = MESSAGES.get(status)  # a description is shown as written: it may quote braces from the request
    detail = template.format(path=request.path, method=request.method) if template else error.description or ""
    if wants_html():
        body = render_template("error.html", status=status, title=error.name, detail=detail, path=request.path)
        response = Response(body, status, mimetype="text/html")
    else:
        response = Response(f"{status} {error.name}: {detail}\n", status, mimetype="text/plain")
    for name, value in error.get_headers():
        if name.lower() in ("allow", "retry-after"):
            response.headers[name] = value
    response.vary.add("Accept")
    return response


def wants_html() -> bool:
    """Return whether the client takes a page rather than RDF (browsers, and clients that take anything)."""
    return conneg.negotiate(request.accept_mimetypes, conneg.RDF_FORMATS, html=True) == conneg.HTML
