"""Side effects of the workflow, run after the transaction commits (connected in ``BriefingsConfig.ready``).

The workflow sends ``revision_transitioned``; this module decides what follows
(emails through Celery). The dependency runs this way only: the workflow never
imports this module.
"""
from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from briefings import tasks
from briefings.signals import revision_transitioned
from briefings.workflow import Action
from core.tasks import enqueue


@receiver(revision_transitioned, dispatch_uid="briefings.notify")
def notify(sender: Any, *, revision_id: int, action: str, **kwargs: Any) -> None:
    """Email reviewers of a submission; the author of an approval, schedule, rejection or scheduled publication."""
    if action == Action.SUBMIT:
        enqueue(tasks.revision_notify_reviewers_task, revision_id)
    elif action in {Action.APPROVE, Action.SCHEDULE, Action.REJECT, Action.PUBLISH}:
        enqueue(tasks.revision_notify_author_task, revision_id, action)
