"""Celery tasks of the subscriptions app: subscriber mails, the weekly digest, webhook events and deliveries."""
from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from core.tasks import enqueue

logger = logging.getLogger(__name__)


@shared_task(name="subscriptions.subscription_notify_release_task", acks_late=True, reject_on_worker_lost=True)
def subscription_notify_release_task(release_id: int) -> int:
    """Mail the immediate subscribers of a published update or correction (mail task ids derive from this one)."""
    from subscriptions.services import subscription_notify_release

    return subscription_notify_release(release_id=release_id)


@shared_task(name="subscriptions.subscription_digest_all_task", acks_late=True, reject_on_worker_lost=True)
def subscription_digest_all_task() -> int:
    """Send the weekly digests (Celery beat, ``subscription-weekly-digest``)."""
    from subscriptions.services import subscription_send_digests

    return subscription_send_digests()


@shared_task(name="subscriptions.webhook_event_task", acks_late=True, reject_on_worker_lost=True)
def webhook_event_task(event: str, data: dict[str, Any]) -> list[int]:
    """Record ``event`` for each endpoint that wants it and queue the deliveries."""
    from subscriptions.services import webhook_event_record

    ids = webhook_event_record(event=event, data=data)
    for delivery_id in ids:
        enqueue(webhook_deliver_task, delivery_id)
    return ids


@shared_task(name="subscriptions.webhook_deliver_task", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=None)
def webhook_deliver_task(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    """Attempt one delivery; on failure retry with exponential backoff (the service decides when and whether).

    Run eagerly (tests, a broker outage), a failed attempt is left ``retrying``
    with its ``next_retry_at``: the next run of this task is the next attempt.
    """
    from subscriptions.services import webhook_attempt

    result = webhook_attempt(delivery_id=delivery_id)
    delivery = result.delivery
    if result.retry_in is None:
        return str(delivery.status)
    logger.warning("webhook %s to %s failed (attempt %d): %s; retrying in %d s", delivery.message_id,
                   delivery.endpoint.url, delivery.attempts, delivery.last_error, result.retry_in)
    if self.request.is_eager:
        return str(delivery.status)
    raise self.retry(countdown=result.retry_in)
