"""Extraction: from a cleaned article to plain data (entities, mentions, events, quotes, relations)."""

from kg.extract.coreference import resolve_events
from kg.extract.rules import RuleExtractor

__all__ = ["RuleExtractor", "resolve_events"]
