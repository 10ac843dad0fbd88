"""Turn snapshot claims and notes into escaped HTML for reader pages.

All text is escaped; the only markup produced is footnote links, cross-reference
links and links for ``<https://…>`` URLs.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from briefings.diffing import Segment
from briefings.markup import cross_reference_label, split_note
from briefings.selectors.content import SnapshotClaim, SnapshotFootnote


def claim_html(claim: SnapshotClaim, *, described_by_note: bool = False, section_page: str = "") -> SafeString:
    """Return the claim's text with ``<a href="#fn-N">N</a>`` at each reference.

    A section reference's label (``SnapshotClaim.sections``: 「４．（１）」 in the
    text) becomes ``<a href="#sec-key" class="secref">４．（１）</a>``;
    ``section_page`` is the URL of the page holding the sections when it is not
    this one. ``described_by_note``: each reference is described by its note's
    text (``aria-describedby="fn-text-N"``), so a screen reader reads the note
    with the number; otherwise by the heading of the notes.
    """
    text = claim.text
    refs = sorted(claim.refs, key=lambda r: r.offset)
    spans = sorted(claim.sections, key=lambda s: s.offset)
    parts: list[str] = []
    position = 0
    for span in [*spans, None]:
        start = span.offset if span is not None else len(text)
        while refs and refs[0].offset <= start:
            ref = refs.pop(0)
            parts.append(escape(text[position : ref.offset]))
            parts.append(
                format_html(
                    '<sup class="fnref"><a href="#fn-{0}" id="fnref-{0}" aria-describedby="{1}">{0}</a></sup>',
                    ref.number, f"fn-text-{ref.number}" if described_by_note else "footnotes-label",
                )
            )
            position = ref.offset
        parts.append(escape(text[position:start]))
        if span is not None:
            end = span.offset + span.length
            label = text[span.offset : end]
            parts.append(format_html('<a href="{}#sec-{}" class="secref">{}</a>', section_page, span.key, label))
            position = end
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def note_html(
    note: SnapshotFootnote, numbers: dict[str, int], *, version_dates: Mapping[str, str] | None = None
) -> SafeString:
    """Return a note with cross-references (「前掲脚注<a href="#fn-4">４</a>参照」) and URLs as links.

    With ``version_dates`` (URL → the ISO date the author saw it), each URL link
    is a Robust Link: ``data-originalurl``, and ``data-versiondate`` when known.
    """
    parts: list[str] = []
    for kind, value in split_note(note.source_text):
        if kind == "xref":
            number = numbers.get(value)
            parts.append(
                format_html('<a href="#fn-{}" class="xref">{}</a>', number, cross_reference_label(number))
                if number
                else "?"
            )
        elif kind == "url" and version_dates is not None:
            date = format_html(' data-versiondate="{}"', version_dates[value]) if version_dates.get(value) else ""
            parts.append(format_html(
                '&lt;<a href="{0}" class="url" rel="noopener" data-originalurl="{0}"{1}>{0}</a>&gt;', value, date,
            ))
        elif kind == "url":
            parts.append(format_html('&lt;<a href="{0}" class="url" rel="noopener">{0}</a>&gt;', value))
        else:
            parts.append(escape(value))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def note_text_html(text: str) -> SafeString:
    """Escaped text with ``<https://…>`` URLs as links (no cross-references)."""
    parts: list[str] = []
    for kind, value in split_note(text):
        if kind == "url":
            parts.append(format_html('&lt;<a href="{0}" class="url" rel="noopener">{0}</a>&gt;', value))
        else:
            parts.append(escape(value))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def diff_html(segments: Iterable[Segment]) -> SafeString:
    """Return diff segments as escaped text with ``<del>`` and ``<ins>`` marks."""
    parts: list[str] = []
    for segment in segments:
        if segment.op == "insert":
            parts.append(format_html('<ins class="diff-ins">{}</ins>', segment.text))
        elif segment.op == "delete":
            parts.append(format_html('<del class="diff-del">{}</del>', segment.text))
        else:
            parts.append(escape(segment.text))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def highlight_html(text: str, terms: list[str]) -> SafeString:
    """Escaped ``text`` with case-insensitive occurrences of ``terms`` in ``<mark>``."""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match[0]))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
