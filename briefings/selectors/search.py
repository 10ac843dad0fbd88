"""Search the published text and notes of one release, for Japanese (no word spaces).

Japanese has no spaces between words, so word indexes need a morphological
analyser; instead we match substrings (``icontains``: ``LIKE``/``ILIKE``) and
scope the scan to the revisions in the release's manifest (found through the
``revision`` foreign-key indexes), so the cost grows with the size of one
release, never with the history. Several words separated by spaces (half- or
full-width) must all occur in the same sentence or note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from briefings.markup import plain_note_text
from briefings.models import Claim, ClaimRole, Footnote, Release, ReleaseSection

MAX_TERMS = 5
MAX_RESULTS = 200
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "claim" | "note"
    section_key: str
    anchor: str  # "claim-12" or "fn-34"
    text: str
    number: int | None = None


def search_terms(query: str) -> list[str]:
    return [term for term in _SPACES.split(query.strip()) if term][:MAX_TERMS]


def search_release(*, release: Release, query: str) -> list[SearchHit]:
    """Sentences and notes of ``release`` containing every term of ``query``. Three queries."""
    terms = search_terms(query)
    if not terms:
        return []
    entries = dict(ReleaseSection.objects.filter(release=release).values_list("revision_id", "section__key"))
    claim_filter, note_filter = Q(revision_id__in=entries), Q(revision_id__in=entries)
    for term in terms:
        claim_filter &= Q(text__icontains=term)
        note_filter &= Q(text__icontains=term)
    hits: list[SearchHit] = []
    order = {revision_id: index for index, revision_id in enumerate(entries)}
    claims = Claim.objects.filter(claim_filter).exclude(role=ClaimRole.HEADING).values_list("pk", "revision_id", "text", "position")
    for pk, revision_id, text, _position in sorted(claims, key=lambda row: (order[row[1]], row[3])):
        hits.append(SearchHit("claim", entries[revision_id], f"claim-{pk}", text))
    numbers = release.footnote_numbers
    for key, revision_id, text in Footnote.objects.filter(note_filter).values_list("key", "revision_id", "text"):
        if key in numbers:
            hits.append(SearchHit("note", entries[revision_id], f"fn-{numbers[key]}", plain_note_text(text, numbers), numbers[key]))
    hits.sort(key=lambda hit: (hit.kind != "claim", hit.number or 0))
    return hits[:MAX_RESULTS]
