"""Template filters for reader pages: claims and notes as escaped HTML, Japanese dates."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from briefings import rendering
from briefings.diffing import Segment
from briefings.selectors.content import SnapshotClaim, SnapshotFootnote
from briefings.workflow import Action
from core.dates import format_date_ja, format_datetime_ja
from sources.citations import format_citation
from sources.models import Source

register = template.Library()


@register.filter
def claim_html(claim: SnapshotClaim, section_page: str = "") -> SafeString:
    """The claim with its footnote links; section references link to ``section_page`` (default: this page)."""
    return rendering.claim_html(claim, section_page=section_page)


@register.filter
def note_html(note: SnapshotFootnote, numbers: dict[str, int]) -> SafeString:
    return rendering.note_html(note, numbers)


@register.filter
def diff_html(segments: Iterable[Segment]) -> SafeString:
    return rendering.diff_html(segments)


@register.filter
def citation_html(source: Source) -> SafeString:
    """The source in the paper's style, its URL a link."""
    return rendering.note_text_html(format_citation(source))


@register.filter
def access_note(note: SnapshotFootnote, common: dt.date | None) -> str:
    """「（最終アクセス日：2025年3月10日）」 when a URL of the note was accessed on another day."""
    days = sorted({c.source.accessed_on for c in note.citations if c.source.url and c.source.accessed_on} - {common})
    return f"（最終アクセス日：{'、'.join(format_date_ja(day) for day in days)}）" if days else ""


@register.filter
def highlight(text: str, terms: list[str]) -> SafeString:
    """Escape ``text`` and wrap each occurrence of the search terms in ``<mark>``."""
    return rendering.highlight_html(text, terms)


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.filter
def action_label(action: str) -> str:
    try:
        return str(Action(action).label)
    except ValueError:
        return action


@register.filter
def ja_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime_ja(value).split(" ")[0]
    return format_date_ja(value)


@register.filter
def ja_datetime(value: dt.datetime | None) -> str:
    return format_datetime_ja(value) if value else ""
