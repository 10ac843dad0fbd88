"""A release as a PDF (WeasyPrint), notes at the end of each section, Japanese fonts embedded.

A release never changes, so its PDF is rendered once and kept in the cache
under the release's id (and the template version).
"""
from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string

from briefings.models import Release
from briefings.selectors.history import snapshot_for_release

PDF_VERSION = 1  # bump when the PDF template changes


def release_pdf(*, request: HttpRequest, release: Release, permalink: str) -> bytes:
    key = f"release-pdf:{release.pk}:v{PDF_VERSION}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from weasyprint import HTML  # imported here: heavy, and only this view needs it

    snapshot = snapshot_for_release(release=release)
    notes_by_section: dict[str, list[object]] = {}
    for note in snapshot.footnotes:
        notes_by_section.setdefault(note.section_key, []).append(note)
    html = render_to_string(
        "briefings/release_pdf.html",
        {"briefing": release.briefing, "release": release, "snapshot": snapshot, "notes": notes_by_section,
         "permalink": permalink},
        request=request,
    )
    data: bytes = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    cache.set(key, data, timeout=None)
    return data
