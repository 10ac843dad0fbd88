"""Queue Celery tasks after commit without ever losing the work to a broker outage; the mail task.

``enqueue_on_commit`` sends the task once the transaction commits (never for
a rollback). If the broker cannot be reached, the task runs here, in-process,
and the outage is logged: an approval is never undone or lost because Redis
is down, and its notifications still go out.

Only *publishing* is guarded: with a broker, ``apply_async`` runs no task code,
so whatever it raises is about the broker. Without one (eager tasks), the task
runs inside ``apply_async`` and its own errors are its own: a failing mail
server is not a broker outage (``core.mail`` handles it).

``scheduler_heartbeat_task`` is the scheduler's heartbeat (sent by beat); ``mail_queue`` and
``mail_send_task`` deliver email one recipient at a time (``core.mail``).
"""
from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import current_task, shared_task
from celery.signals import beat_init
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.logging import TASK_HEADER, current_request_id

logger = logging.getLogger(__name__)

# What a broker outage looks like to the sender: kombu wraps the transport's errors in
# OperationalError; the others are raised by redis-py or the socket if one slips through.
BROKER_ERRORS = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError)


def enqueue(task: Any, *args: Any, task_id: str | None = None, request_id: str | None = None) -> None:
    """Send ``task`` to the broker; run it in-process if the broker is unreachable.

    ``request_id`` (default: the request being served) goes with the task, which
    logs under it (``core.logging``).
    """
    request_id = request_id or current_request_id()
    headers = {TASK_HEADER: request_id} if request_id else None
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, task_id=task_id, headers=headers)
        return
    try:
        task.apply_async(args=args, retry=False, task_id=task_id, headers=headers)
    except BROKER_ERRORS as exc:
        logger.warning("broker unreachable (%s); running %s in-process", exc, task.name)
        result = task.apply(args=args, task_id=task_id, headers=headers, throw=False)
        if result.failed():
            logger.error("%s failed in-process: %r", task.name, result.result)


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


_MAIL_IDS = uuid.UUID("6f2d8f4e-3c1a-4f0b-9a57-2f8d1c0b7e11")


def mail_queue(
    *, subject: str, body: str, recipients: list[str], html: str = "", headers: dict[str, str] | None = None
) -> int:
    """Queue ``subject``/``body`` (and an ``html`` part, and extra ``headers``) to each recipient separately
    (``mail_send_task``); return how many.

    Queued from inside a task, each mail's task id derives from that task's id, the
    recipient and the subject, so a redelivered notification task sends nothing twice
    (``core.mail``).
    """
    parent = current_task.request.id if current_task and not current_task.request.is_eager else None
    for recipient in recipients:
        task_id = str(uuid.uuid5(_MAIL_IDS, f"{parent}:{recipient}:{subject}")) if parent else None
        enqueue(mail_send_task, subject, body, recipient, html, headers or {}, task_id=task_id)
    return len(recipients)


@shared_task(name="core.mail_send_task", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def mail_send_task(  # type: ignore[no-untyped-def]
    self, subject: str, body: str, recipient: str, html: str = "", headers: dict[str, str] | None = None
) -> bool:
    """Email one recipient; retry with backoff while the server fails (see ``core.mail``). Return whether sent."""
    from core.mail import MAIL_ERRORS, mail_already_sent, mail_retry_delay, mail_send

    key = "" if self.request.is_eager else str(self.request.id)
    if mail_already_sent(key):
        logger.info("mail to %s already sent (task %s delivered again)", recipient, key)
        return True
    attempt, attempts = self.request.retries + 1, settings.MAIL_MAX_ATTEMPTS
    try:
        mail_send(subject=subject, body=body, recipient=recipient, key=key, html=html, headers=headers)
    except MAIL_ERRORS as exc:
        if self.request.is_eager or attempt >= attempts:
            logger.error("mail to %s not delivered after %d attempt(s): %r (subject %r)", recipient, attempt, exc,
                         subject)
            return False
        delay = mail_retry_delay(attempt)
        logger.warning("mail to %s failed (attempt %d of %d): %r; retrying in %d s", recipient, attempt, attempts,
                       exc, delay)
        raise self.retry(countdown=delay, exc=exc) from exc
    logger.info("mail to %s sent (attempt %d)", recipient, attempt)
    return True
