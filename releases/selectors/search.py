"""Search the text and notes of one release, from its frozen artefact, for Japanese (no word spaces).

Japanese has no spaces between words, so word indexes need a morphological
analyser; instead we match substrings (case-insensitively) in the release's
own sentences and notes, read from its artefact. The cost grows with the size
of one release (≈550 sentences, ≈100 notes), never with the history, and the
search sees exactly what readers of that release see. Several words separated
by spaces (half- or full-width) must all occur in the same sentence or note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from releases.selectors.history import Frozen, section_labels

MAX_TERMS = 5
MAX_RESULTS = 200
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "claim" | "note"
    section_key: str
    section_label: str
    anchor: str  # a sentence's stable anchor ("c-…") or a note's "fn-34"
    text: str
    number: int | None = None


def search_terms(query: str) -> list[str]:
    return [term for term in _SPACES.split(query.strip()) if term][:MAX_TERMS]


def search_release(*, frozen: Frozen, query: str) -> list[SearchHit]:
    """Sentences, then notes, of the release containing every term of ``query``."""
    terms = [term.casefold() for term in search_terms(query)]
    if not terms:
        return []
    content = frozen.content
    labels = section_labels(content)
    hits: list[SearchHit] = []
    for section in content.sections:
        for paragraph in section.paragraphs:
            hits.extend(
                SearchHit("claim", section.key, labels[section.key], claim.anchor, claim.text)
                for claim in paragraph
                if all(term in claim.text.casefold() for term in terms)
            )
    hits.extend(
        SearchHit("note", note.section_key, labels.get(note.section_key, ""), f"fn-{note.number}", note.text,
                  note.number)
        for note in content.footnotes
        if all(term in note.text.casefold() for term in terms)
    )
    return hits[:MAX_RESULTS]
