"""Extraction: from a cleaned article to plain data (entities, mentions, events, quotes, relations).

The extractor is `kg.extract.rules.RuleExtractor`; cross-article resolution is `kg.extract.coreference.resolve_events`.
Nothing is imported here, so that reading the plain data model does not load spaCy.
"""
