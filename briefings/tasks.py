"""Celery tasks of the briefings app. Tasks take IDs, reload rows and call a service (STYLE 19)."""
from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


# Every task here must happen: acks_late + reject_on_worker_lost, so a worker killed mid-task
# (SIGKILL, OOM) leaves the message to be delivered again. Publishing is idempotent (status
# guards under row locks); notifications queue one mail task per recipient with ids derived
# from this task's id, so a second delivery sends nothing twice (core/mail.py).
@shared_task(name="briefings.revision_notify_reviewers_task", acks_late=True, reject_on_worker_lost=True)
def revision_notify_reviewers_task(revision_id: int) -> int:
    """Email the reviewers that a revision awaits review; return how many were sent."""
    from briefings.services.notifications import notify_reviewers_of_submission

    return notify_reviewers_of_submission(revision_id=revision_id)


@shared_task(name="briefings.revision_notify_author_task", acks_late=True, reject_on_worker_lost=True)
def revision_notify_author_task(revision_id: int, action: str) -> int:
    """Email the author of a revision that it was approved, scheduled or rejected."""
    from briefings.services.notifications import notify_author_of_review

    return notify_author_of_review(revision_id=revision_id, action=action)


@shared_task(name="briefings.revision_publish_due_task", acks_late=True, reject_on_worker_lost=True)
def revision_publish_due_task() -> list[int]:
    """Publish scheduled revisions that are due (idempotent, so acks_late is safe)."""
    from briefings.services.transitions import revision_publish_due

    published = revision_publish_due()
    logger.info("revision_publish_due_task published %d revision(s): %s", len(published), published)
    return published
