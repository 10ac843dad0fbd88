"""Celery tasks of the releases app. Tasks take IDs, reload rows and call a service (STYLE 19)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="releases.release_render_pdf_task", acks_late=True, reject_on_worker_lost=True)
def release_render_pdf_task(release_id: int) -> str:
    """Render and store the PDF of a release from its artefact (idempotent, so acks_late is safe)."""
    from releases.models import Release
    from releases.pdf import PdfUnavailable, pdf_name, release_pdf_store
    from releases.selectors.history import artefact_of

    release = Release.objects.select_related("briefing").get(pk=release_id)
    try:
        release_pdf_store(artefact_of(release=release))
    except PdfUnavailable:
        return ""  # logged with the reason; the first request after the font is installed renders it
    return pdf_name(release.briefing.slug, release.number)
