"""Queue Celery tasks after commit without ever losing the work to a broker outage.

``enqueue_on_commit`` sends the task once the transaction commits (never for
a rollback). If the broker cannot be reached, the task runs here, in-process,
and the outage is logged: an approval is never undone or lost because Redis
is down, and its notifications still go out.

``scheduler_heartbeat_task`` is the scheduler's heartbeat (sent by beat).
"""
from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import beat_init
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from core.logging import TASK_HEADER, current_request_id

logger = logging.getLogger(__name__)

# What a broker outage looks like to the sender (kombu and redis-py raise subclasses of these).
BROKER_ERRORS = (OperationalError, OSError)


def enqueue(task: Any, *args: Any, request_id: str | None = None) -> None:
    """Send ``task`` to the broker; run it in-process if the broker is unreachable.

    ``request_id`` (default: the request being served) goes with the task, which
    logs under it (``core.logging``).
    """
    request_id = request_id or current_request_id()
    headers = {TASK_HEADER: request_id} if request_id else None
    try:
        task.apply_async(args=args, retry=False, headers=headers)
    except BROKER_ERRORS as exc:
        logger.warning("broker unreachable (%s); running %s in-process", exc, task.name)
        task.apply(args=args, headers=headers)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send ``task`` once the transaction commits, under the id of the request that asked for it."""
    request_id = current_request_id()
    transaction.on_commit(lambda: enqueue(task, *args, request_id=request_id))


@shared_task(name="core.scheduler_heartbeat_task", ignore_result=True)
def scheduler_heartbeat_task() -> None:
    """Record that beat sent this and a worker ran it (``core.selectors.scheduler_status`` reads it)."""
    from core.services import heartbeat_record

    heartbeat_record()


@beat_init.connect(weak=False, dispatch_uid="core.tasks.first_heartbeat")
def _first_heartbeat(sender: Any = None, **kwargs: Any) -> None:
    """Send a heartbeat as soon as beat starts, not one interval later."""
    scheduler_heartbeat_task.apply_async(expires=settings.SCHEDULER_HEARTBEAT_INTERVAL)
