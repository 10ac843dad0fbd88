"""Celery tasks of the sources app: link checking. Tasks take IDs and call services."""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(name="sources.link_check_task", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=30)
def link_check_task(self, source_id: int, force: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Check one source's URL. Retried later while its host's check slots are taken."""
    from sources.services import HostBusy, link_check

    try:
        check = link_check(source_id=source_id, force=force)
    except HostBusy as exc:
        raise self.retry(countdown=15, exc=exc) from exc
    if check is None:
        return "skipped"
    logger.info("link check source=%s %s %s", source_id, check.outcome, check.url)
    return str(check.outcome)


@shared_task(name="sources.link_check_all_task", acks_late=True, reject_on_worker_lost=True)
def link_check_all_task() -> int:
    """Queue a check of every source due for one, spread out in time; return how many."""
    from sources.services import links_due

    due = links_due()
    for index, source_id in enumerate(due):
        link_check_task.apply_async(args=(source_id,), countdown=index * settings.LINK_CHECK_SPACING)
    logger.info("queued %d link checks", len(due))
    return len(due)
