"""Signed webhooks: record an event for each endpoint that wants it, and make one delivery attempt.

Signing follows Standard Webhooks (https://www.standardwebhooks.com/, the
``standardwebhooks`` library): ``webhook-id`` (constant across retries, so a
receiver drops duplicates), ``webhook-timestamp`` (Unix seconds of this
attempt) and ``webhook-signature`` (``v1,`` + base64 HMAC-SHA256 with the
endpoint's secret over ``id.timestamp.body``). docs/webhooks.md has the
receiver's side.

Delivery goes through ``sources.linkcheck.send``: only public addresses
(checked at every attempt, the connection pinned to the vetted address), no
redirect followed, a bounded answer read. Loopback only with
``WEBHOOK_ALLOW_LOOPBACK`` (tests, local development).

A 2xx answer delivers; anything else (another status, a timeout, no
connection) is retried after ``WEBHOOK_RETRY_BASE`` x 2^(n-1) seconds (at most
``WEBHOOK_RETRY_MAX``) until ``WEBHOOK_MAX_ATTEMPTS``; an address we refuse to
reach fails at once. Every attempt is logged (``WebhookAttempt``).
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from sources import linkcheck
from subscriptions import selectors
from subscriptions.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

EXCERPT = 500
MAX_ANSWER = 4096
USER_AGENT = "policy-briefings-webhooks/1"


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt left: the delivery, and the seconds to wait before the next one (``None``: no retry)."""

    delivery: WebhookDelivery
    retry_in: int | None


def webhook_sign(*, secret: str, message_id: str, timestamp: dt.datetime, body: str) -> dict[str, str]:
    """Return the Standard Webhooks headers for ``body`` sent as ``message_id`` at ``timestamp``."""
    moment = timestamp.astimezone(dt.UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }


def webhook_event_record(*, event: str, data: dict[str, Any], now: dt.datetime | None = None) -> list[int]:
    """Record one delivery of ``event`` for every active endpoint that wants it; return their ids.

    The body is fixed here (``{"type", "timestamp", "data"}``, compact JSON) and
    sent unchanged at every attempt.
    """
    now = now or timezone.now()
    body = json.dumps({"type": event, "timestamp": now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                       "data": data}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    endpoints = selectors.endpoints_for(event=event)
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create([
            WebhookDelivery(endpoint=endpoint, event=event, body=body, message_id=f"msg_{uuid.uuid4().hex}")
            for endpoint in endpoints
        ])
    return [delivery.pk for delivery in deliveries]


def webhook_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> AttemptResult:
    """Send a pending delivery once, log the attempt and decide on a retry. A finished delivery is left alone.

    The request is made outside any transaction (no row lock is held while we
    wait for a stranger's server); the outcome is recorded afterwards.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return AttemptResult(delivery, None)
    endpoint: WebhookEndpoint = delivery.endpoint
    now = now or timezone.now()
    status_code, excerpt, error, refused = None, "", "", False
    started = time.monotonic()
    if not endpoint.is_active:
        error, refused = "送信先が無効にされています", True
    else:
        headers = {**webhook_sign(secret=endpoint.secret, message_id=delivery.message_id, timestamp=now,
                                  body=delivery.body),
                   "Content-Type": "application/json", "User-Agent": USER_AGENT}
        try:
            response = linkcheck.send("POST", endpoint.url, timeout=settings.WEBHOOK_TIMEOUT, headers=headers,
                                      body=delivery.body.encode("utf-8"),
                                      allow_loopback=settings.WEBHOOK_ALLOW_LOOPBACK, max_body=MAX_ANSWER)
            status_code, excerpt = response.status, response.body[:EXCERPT].decode("utf-8", "replace")
        except linkcheck.Refused as exc:
            error, refused = str(exc), True
        except (TimeoutError, OSError, http.client.HTTPException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery, now=now, status_code=status_code, excerpt=excerpt, error=error[:EXCERPT],
                   refused=refused, duration_ms=duration_ms)


def retry_delay(attempt: int) -> int:
    """Return the seconds to wait after failed attempt number ``attempt`` (1-based): doubling, capped."""
    return int(min(settings.WEBHOOK_RETRY_BASE * 2 ** (attempt - 1), settings.WEBHOOK_RETRY_MAX))


def _record(
    delivery: WebhookDelivery, *, now: dt.datetime, status_code: int | None, excerpt: str, error: str,
    refused: bool, duration_ms: int,
) -> AttemptResult:
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if row.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):  # a duplicate task finished it meanwhile
            return AttemptResult(row, None)
        row.attempts += 1
        WebhookAttempt.objects.create(delivery=row, number=row.attempts, attempted_at=now, status_code=status_code,
                                      response_excerpt=excerpt, error=error, duration_ms=duration_ms)
        row.last_status_code, row.last_error = status_code, error
        retry_in: int | None = None
        if status_code is not None and 200 <= status_code < 300:
            row.status, row.delivered_at, row.next_retry_at = DeliveryStatus.DELIVERED, now, None
        elif refused or row.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            row.status, row.next_retry_at = DeliveryStatus.FAILED, None
        else:
            retry_in = retry_delay(row.attempts)
            row.status, row.next_retry_at = DeliveryStatus.RETRYING, now + dt.timedelta(seconds=retry_in)
        if status_code is not None and not 200 <= status_code < 300 and not error:
            row.last_error = f"HTTP {status_code}"
        row.save()
    return AttemptResult(row, retry_in)
