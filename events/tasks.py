"""Celery tasks of the events app. Tasks take IDs and call services."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="events.notify_stale_sections_task", acks_late=True, reject_on_worker_lost=True)
def notify_stale_sections_task(section_ids: list[int]) -> int:
    """Email the editors of sections that new events made stale; return how many emails."""
    from events.notifications import notify_editors_of_stale_sections

    return notify_editors_of_stale_sections(section_ids=section_ids)
