"""A release as a PDF (WeasyPrint), notes at the end of each section, Japanese fonts embedded.

A release never changes, so its PDF is rendered once and kept in the cache
under the release's id (and the template version). It is rendered only when
fontconfig resolves fonts covering Japanese (``core.fonts``): otherwise it
would be a page of empty boxes, so nothing is rendered, stored or cached and
``PdfUnavailable`` says why.
"""
from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string

from briefings.models import Release
from briefings.selectors.history import snapshot_for_release
from core.errors import ApplicationError
from core.fonts import japanese_font_check

logger = logging.getLogger(__name__)

PDF_VERSION = 1  # bump when the PDF template changes


class PdfUnavailable(ApplicationError):
    """The PDF cannot be produced on this server (no font covering Japanese)."""

    status = 503
    code = "pdf_unavailable"


def release_pdf(*, request: HttpRequest, release: Release, permalink: str) -> bytes:
    key = f"release-pdf:{release.pk}:v{PDF_VERSION}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    fonts = japanese_font_check()
    if not fonts.available:
        logger.error("PDF of release %s not rendered: %s", release.pk, fonts.detail)
        raise PdfUnavailable(
            "このサーバーには日本語のフォントがないため、PDFを作成できません。管理者にお問い合わせください。"
        )
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
