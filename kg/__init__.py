"""Diplomacy KG: news about relations between states, as linked data."""

__version__ = "0.1.0"
