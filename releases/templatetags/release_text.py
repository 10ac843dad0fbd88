"""Template helpers of release pages: sentences with their notes described, Robust Links, valid datetimes."""
from __future__ import annotations

import datetime as dt

from django import template
from django.utils.safestring import SafeString

from briefings import rendering
from briefings.markup import split_note
from briefings.selectors.content import SnapshotClaim, SnapshotFootnote
from core.dates import to_tokyo

register = template.Library()


@register.filter
def reader_claim_html(claim: SnapshotClaim, section_page: str = "") -> SafeString:
    """The sentence with its footnote links, each described by its note's text (screen readers).

    A reference to a section links to ``section_page`` (default: this page, which holds the sections).
    """
    return rendering.claim_html(claim, described_by_note=True, section_page=section_page)


@register.simple_tag
def note_body(note: SnapshotFootnote, numbers: dict[str, int], access_date: dt.date | None) -> SafeString:
    """The note with Robust Links: each URL carries the date its citing source was accessed.

    A URL cited by one of the note's sources gets that source's access date;
    any other URL in the note the release's common access date.
    """
    cited = {
        citation.source.url: citation.source.accessed_on.isoformat()
        for citation in note.citations
        if citation.source.url and citation.source.accessed_on
    }
    default = access_date.isoformat() if access_date else ""
    dates = {value: cited.get(value, default) for kind, value in split_note(note.source_text) if kind == "url"}
    return rendering.note_html(note, numbers, version_dates=dates)


@register.filter
def iso_datetime(value: dt.datetime | None) -> str:
    """A valid HTML datetime (seconds, no microseconds) in Asia/Tokyo: ``2025-03-10T17:00:00+09:00``."""
    if value is None:
        return ""
    return to_tokyo(value).replace(microsecond=0).isoformat()


@register.filter
def iso_day(value: dt.datetime | dt.date | None) -> str:
    """The day (Asia/Tokyo for a datetime) as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return to_tokyo(value).date().isoformat()
    return value.isoformat()
