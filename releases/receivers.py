"""What follows a publication, after commit (connected in ``ReleasesConfig.ready``)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.tasks import enqueue
from events.models import Event, EventDismissal, EventLink, RevisionEvent
from releases import caching, tasks
from releases.services.live import live_state_changed
from releases.signals import release_published
from sources.models import Source


@receiver(release_published, dispatch_uid="releases.after_publication")
def after_publication(sender: Any, *, release_id: int, backdated: bool = False, **kwargs: Any) -> None:
    """Drop cached pages a release can change, and have the worker render its PDF."""
    caching.purge_after_publication(backdated=backdated)
    if settings.RELEASE_PDF_AT_PUBLISH:
        enqueue(tasks.release_render_pdf_task, release_id)


@receiver([post_save, post_delete], sender=Event, dispatch_uid="releases.live.event")
@receiver([post_save, post_delete], sender=EventLink, dispatch_uid="releases.live.link")
@receiver([post_save, post_delete], sender=EventDismissal, dispatch_uid="releases.live.dismissal")
@receiver([post_save, post_delete], sender=RevisionEvent, dispatch_uid="releases.live.coverage")
@receiver([post_save, post_delete], sender=Source, dispatch_uid="releases.live.source")
def live_information_changed(sender: Any, **kwargs: Any) -> None:
    """Cache invalidation: what release pages show beside the frozen text may have changed.

    Bumped at once (not after commit: a reader in between may cache the old state
    under the new generation, which ``currency.LIVE_TTL`` bounds).
    """
    live_state_changed()
