"""Writes of the subscriptions app (import from here).

``subscriptions`` — readers' email subscriptions: request (double opt-in),
confirm, unsubscribe, the mails about a release and the weekly digest.
``webhooks`` — signed deliveries to administrators' endpoints.
"""
from subscriptions.services.subscriptions import (
    subscription_confirm,
    subscription_notify_release,
    subscription_request,
    subscription_send_digests,
    subscription_unsubscribe,
)
from subscriptions.services.webhooks import webhook_attempt, webhook_event_record, webhook_sign

__all__ = [
    "subscription_confirm",
    "subscription_notify_release",
    "subscription_request",
    "subscription_send_digests",
    "subscription_unsubscribe",
    "webhook_attempt",
    "webhook_event_record",
    "webhook_sign",
]
