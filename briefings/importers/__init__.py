"""Parsers that turn external documents into briefing content (no database access)."""
