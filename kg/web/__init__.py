"""The web application: SPARQL endpoint, Linked Data pages, dumps and the query UI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from kg import config as kg_config
from kg.web import (
    browse,
    dumps,
    errors,
    headers,
    home,
    questions,
    release,
    resources,
    search,
    sitemap,
    sparql,
    ui,
    views,
    void,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: settings from defaults < KG_* environment < `config`."""
    app = Flask(__name__)
    app.config.from_mapping(kg_config.load(config))
    app.config["DEBUG"] = False
    release.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    sparql.init_app(app)
    app.register_blueprint(ui.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(questions.bp)
    app.register_blueprint(views.bp)
    for linked_data in (home.bp, resources.bp, dumps.bp, void.bp, sitemap.bp):
        app.register_blueprint(linked_data)
    search.init_app(app)

    @app.get("/healthz")
    def healthz():
        """Say whether the server answers, which release it serves and how busy its query workers are.

        503 (with the reason and Retry-After) when the live release cannot be opened or loaded by the query workers.
        """
        return release.health(app.extensions["kg_query_pool"].load())

    return app
