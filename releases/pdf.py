"""A release as a PDF (WeasyPrint), notes after each section, Japanese fonts embedded.

Rendered from the frozen artefact alone, once: by the worker after publication
(``releases.tasks.release_render_pdf_task``), or on the first request if the
worker has not done it yet. Stored through Django's storage API under a name
derived from the briefing, the release number and ``PDF_VERSION``, so a stored
PDF is found and served without the database.

It is rendered only when fontconfig resolves fonts covering Japanese
(``core.fonts``): otherwise it would be a page of empty boxes, so nothing is
rendered or stored and ``PdfUnavailable`` says why (a 503 page on the request
path, an error line in the worker); once the font is installed, the next
request renders and stores it.
"""
from __future__ import annotations

import logging
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from core.errors import ApplicationError
from core.fonts import japanese_font_check
from core.site import absolute_url
from releases.selectors.history import Frozen

PDF_VERSION = 3  # bump when templates/releases/release_pdf.html or the PDF options change

logger = logging.getLogger(__name__)


class PdfUnavailable(ApplicationError):
    """The PDF cannot be produced on this server (no font covering Japanese)."""

    status = 503
    code = "pdf_unavailable"


def pdf_name(slug: str, number: int) -> str:
    return f"releases/{slug}/{number}/release-{number}-v{PDF_VERSION}.pdf"


def stored_pdf(slug: str, number: int) -> bytes | None:
    """The stored PDF of release ``number``, or ``None``; touches storage only, never the database."""
    name = pdf_name(slug, number)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()  # type: ignore[no-any-return]


def render_pdf(frozen: Frozen) -> bytes:
    """Render the PDF of a frozen release (about a second for the paper).

    Raises ``PdfUnavailable`` (and logs why) when no font covering Japanese is installed.
    """
    fonts = japanese_font_check()
    if not fonts.available:
        logger.error("PDF of release %s not rendered: %s", frozen.release.pk, fonts.detail)
        raise PdfUnavailable(
            "このサーバーには日本語のフォントがないため、PDFを作成できません。管理者にお問い合わせください。"
        )
    from weasyprint import HTML  # heavy (Pango, fonts): loaded by the processes that render only

    document = frozen.document
    content = frozen.content
    notes_by_section: dict[str, list[object]] = {}
    for note in content.footnotes:
        notes_by_section.setdefault(note.section_key, []).append(note)
    html = render_to_string(
        "releases/release_pdf.html",
        {"briefing": SimpleNamespace(**document["briefing"]), "release": frozen.release, "content": content,
         "notes": notes_by_section, "permalink": document["release"]["url"], "digest": frozen.digest},
    )
    # Tagged (PDF/UA-1): structure, reading order, the document language (``<html lang="ja">``) and title.
    return HTML(string=html, base_url=absolute_url("/")).write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]


def release_pdf_store(frozen: Frozen) -> bytes:
    """Return the PDF of ``frozen``, rendering and storing it if it is not stored yet (idempotent)."""
    slug, number = frozen.document["briefing"]["slug"], frozen.release.number
    existing = stored_pdf(slug, number)
    if existing is not None:
        return existing
    data = render_pdf(frozen)
    name = pdf_name(slug, number)
    if not default_storage.exists(name):  # two renderers at once: the first stored copy stays
        default_storage.save(name, ContentFile(data))
    return stored_pdf(slug, number) or data
