"""What follows a publication, after commit (connected in ``ReleasesConfig.ready``)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from core.tasks import enqueue
from releases import caching, tasks
from releases.signals import release_published


@receiver(release_published, dispatch_uid="releases.after_publication")
def after_publication(sender: Any, *, release_id: int, backdated: bool = False, **kwargs: Any) -> None:
    """Drop cached pages a release can change, and have the worker render its PDF."""
    caching.purge_after_publication(backdated=backdated)
    if settings.RELEASE_PDF_AT_PUBLISH:
        enqueue(tasks.release_render_pdf_task, release_id)
