"""Outgoing email: one queued task per recipient, retried with backoff, each failure logged by recipient.

``core.tasks.mail_queue`` is what notification services call instead of ``send_mail``.
Each recipient gets their own ``core.mail_send_task``, so a refused address
or a flaky server never re-sends to the others, and the log says who got what:

* ``mail to <address> sent``;
* ``mail to <address> failed (attempt n of m) …; retrying in s s``: the SMTP
  server refused, timed out or could not be reached; the task is retried after
  ``MAIL_RETRY_BASE`` × 2ⁿ seconds (at most ``MAIL_RETRY_MAX``), up to
  ``MAIL_MAX_ATTEMPTS`` attempts;
* ``mail to <address> not delivered …``: given up (an error, for the operator).

Without a worker (eager tasks: development, or the broker down and the task
run in-process by ``core.tasks.enqueue``) there is nobody to retry later: one
attempt, and a failure is logged as not delivered. A mail failure never
propagates to the request or command that caused the notification.

Idempotency: a task queued from inside another task gets a task id derived
from the parent's id, the recipient and the subject, and a sent mail leaves a
marker under that id in the cache. A notification task delivered twice
(``acks_late``: its worker died before acknowledging) queues the same ids
again and the second delivery is skipped. The window left is a worker dying
between the SMTP server's acceptance and the marker: at least once, never lost.
"""
from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)

# What a failing or unreachable mail server looks like (refused, timed out, DNS, TLS).
MAIL_ERRORS = (smtplib.SMTPException, OSError)
SENT_MARKER_SECONDS = 7 * 24 * 3600


def mail_already_sent(key: str) -> bool:
    return bool(key) and cache.get(f"mail-sent:{key}") is not None


def mail_send(
    *, subject: str, body: str, recipient: str, key: str = "", html: str = "", headers: dict[str, str] | None = None
) -> None:
    """Send one email now (text, and HTML when given, with extra ``headers`` such as ``List-Unsubscribe``);
    raise one of ``MAIL_ERRORS`` if the server does not take it."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    if key:
        cache.set(f"mail-sent:{key}", 1, timeout=SENT_MARKER_SECONDS)


def mail_retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): exponential, capped."""
    return int(min(settings.MAIL_RETRY_BASE * 2 ** (attempt - 1), settings.MAIL_RETRY_MAX))
