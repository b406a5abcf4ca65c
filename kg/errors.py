"""The exceptions of the package; the CLI maps them to exit codes."""

from __future__ import annotations


class KGError(Exception):
    """Base of every error this package raises on purpose."""


class ArticleError(KGError):
    """An article could not be read; says which file (and line) and why."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source = source
        self.line = line
        self.reason = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


class ConfigError(KGError):
    """A setting has a value that cannot be used."""


class PublishError(KGError):
    """The graph could not be published; the previous release stays live."""


class BuildBusy(PublishError):
    """Another build holds the data folder; this one did nothing."""
