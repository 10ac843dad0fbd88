"""Side effects of recording events, after commit (connected in ``EventsConfig.ready``)."""
from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from core.tasks import enqueue
from events import tasks
from events.signals import sections_became_stale


@receiver(sections_became_stale, dispatch_uid="events.notify_editors")
def notify_editors(sender: Any, *, section_ids: list[int], **kwargs: Any) -> None:
    """Email the editors of the sections that new events made stale."""
    enqueue(tasks.notify_stale_sections_task, section_ids)
