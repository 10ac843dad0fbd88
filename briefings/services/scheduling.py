"""Publish scheduled revisions that have fallen due (run by Celery beat)."""
from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from briefings.models import RevisionStatus, SectionRevision
from briefings.services.workflow import Action, InvalidTransition, revision_transition
from core.errors import ApplicationError

logger = logging.getLogger(__name__)


def revision_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled revision whose ``publish_at`` has passed, oldest first.

    Idempotent: each revision is re-locked and re-checked by the workflow, so a
    second run (or a concurrent one) publishes nothing twice. A revision that
    can no longer be published (its base went stale, a cross-reference broke)
    is logged as an error and left scheduled for a reviewer; the others still
    go out. Returns the ids published by this run and logs each of them.
    """
    now = now or timezone.now()
    due = list(
        SectionRevision.objects.filter(status=RevisionStatus.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
    )
    published: list[int] = []
    for revision_id in due:
        try:
            revision_transition(revision_id=revision_id, action=Action.PUBLISH, actor=None)
        except InvalidTransition:
            continue  # published or unscheduled meanwhile by another run
        except ApplicationError as exc:  # stale base, broken cross-reference: needs a person
            logger.error("scheduled revision %s not published: %s", revision_id, exc.message)
            continue
        logger.info("published scheduled revision %s", revision_id)
        published.append(revision_id)
    return published
