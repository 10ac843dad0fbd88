"""Readers' email subscriptions: double opt-in, one-click unsubscribe, immediate mails and weekly digests.

Invariants:

* nothing is mailed to an address that has not confirmed, except the
  confirmation request itself (at most one per ``SUBSCRIPTION_RESEND_INTERVAL``
  per subscription, so the form cannot be used to flood an inbox);
* ``subscription_request`` behaves the same whatever state the address is in
  and returns nothing: callers cannot tell whether it was already subscribed
  (an active address is mailed a confirmation too, which is also how the
  frequency is changed: only the owner of the inbox can change it);
* every mail after confirmation carries ``List-Unsubscribe`` (an https URL)
  and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058);
* only updates and corrections are announced (``NOTIFYING_KINDS``), never minor
  changes, and only once they are public.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from briefings.models import Briefing, Section
from core.errors import ApplicationError
from core.site import absolute_url
from core.tasks import mail_queue
from releases.models import Release
from subscriptions import selectors, tokens
from subscriptions.models import Frequency, Subscription, SubscriptionStatus


def normalize_email(value: str) -> str:
    """Return the address stripped and lower-cased; raise ``ApplicationError`` if it is not one."""
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError("メールアドレスの形式が正しくありません（例：name@example.jp）。") from exc
    return email


def subscription_request(
    *, email: str, briefing: Briefing, section: Section | None = None, frequency: str = Frequency.IMMEDIATE,
    now: dt.datetime | None = None,
) -> None:
    """Ask ``email`` to confirm following ``briefing`` (or its ``section``) at ``frequency``.

    Creates the subscription as ``pending`` if it is new or was unsubscribed,
    and mails a confirmation link after commit, unless one was sent to it less
    than ``SUBSCRIPTION_RESEND_INTERVAL`` seconds ago. An active subscription
    stays active until the link is followed. Raises ``ApplicationError`` for an
    invalid address, frequency or a section of another briefing.
    """
    address = normalize_email(email)
    if frequency not in Frequency.values:
        raise ApplicationError("配信の頻度は「公開のたびに」か「週1回のまとめ」から選んでください。")
    if section is not None and section.briefing_id != briefing.pk:
        raise ApplicationError("この節はこのブリーフィングにありません。")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        row, _created = Subscription.objects.select_for_update().get_or_create(
            email=address, briefing=briefing, section=section, defaults={"frequency": frequency},
        )
        returning = row.status == SubscriptionStatus.UNSUBSCRIBED  # only the inbox's owner could have unsubscribed
        if returning:
            row.status = SubscriptionStatus.PENDING
        if row.status == SubscriptionStatus.PENDING:
            row.frequency = frequency
        recent = not returning and row.confirmation_sent_at is not None and \
            now - row.confirmation_sent_at < dt.timedelta(seconds=settings.SUBSCRIPTION_RESEND_INTERVAL)
        if not recent:
            row.confirmation_sent_at = now
        row.save()
        if not recent:
            token = tokens.confirm_token(subscription_id=row.pk, email=address, frequency=frequency)
            subject, body = _confirmation_mail(row, token=token, frequency=frequency)
            transaction.on_commit(lambda: mail_queue(subject=subject, body=body, recipients=[address]))


def subscription_confirm(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """Activate the subscription a confirmation ``token`` names, at the frequency it carries. Idempotent.

    Raises ``ApplicationError`` for a forged or expired token, or one whose
    subscription is gone or belongs to another address.
    """
    claims = tokens.read_confirm_token(token)
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        row = Subscription.objects.select_for_update().filter(pk=claims.subscription_id, email=claims.email).first()
        if row is None:
            raise ApplicationError("この購読は見つかりません。もう一度登録してください。")
        if row.status != SubscriptionStatus.ACTIVE:
            row.digest_until = now  # a digest covers what is published after confirmation
            row.confirmed_at = now
        row.status = SubscriptionStatus.ACTIVE
        row.frequency = claims.frequency if claims.frequency in Frequency.values else row.frequency
        row.unsubscribed_at = None
        row.save()
    return row


def subscription_unsubscribe(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """Stop the subscription an unsubscribe ``token`` names. Idempotent; no login, no other check.

    Raises ``ApplicationError`` for a forged token or a subscription that no longer exists.
    """
    claims = tokens.read_unsubscribe_token(token)
    with transaction.atomic(durable=True):
        row = Subscription.objects.select_for_update().filter(pk=claims.subscription_id, email=claims.email).first()
        if row is None:
            raise ApplicationError("この購読は見つかりません（すでに削除されています）。")
        if row.status != SubscriptionStatus.UNSUBSCRIBED:
            row.status = SubscriptionStatus.UNSUBSCRIBED
            row.unsubscribed_at = now or timezone.now()
            row.save()
    return row


def subscription_notify_release(*, release_id: int, now: dt.datetime | None = None) -> int:
    """Mail the immediate subscribers a public update or correction concerns; return how many mails were queued.

    A minor change, a release not yet public or an unknown id mails no one.
    """
    release = Release.objects.select_related("briefing").filter(pk=release_id).first()
    if release is None or not selectors.release_notifies(release=release, now=now):
        return 0
    changes = selectors.release_changes(release=release)
    recipients = selectors.immediate_recipients(release=release, changed_keys=[c.key for c in changes])
    for subscription in recipients:
        subject = f"[{release.briefing.title}] {release.edition_kind_label}・{release.information_as_of_label}"
        body = render_to_string("subscriptions/mail/release.txt", {
            **_mail_context(subscription), "releases": [(release, changes, _release_url(release))],
        })
        mail_queue(subject=subject, body=body, recipients=[subscription.email], headers=_list_headers(subscription))
    return len(recipients)


def subscription_send_digests(*, now: dt.datetime | None = None) -> int:
    """Mail each weekly subscriber the updates and corrections since its last digest; return how many mails.

    Each subscription is handled in its own transaction, locked and skipped if
    another run holds it, and its window moves forward with the mail queued
    after commit: a digest is never sent twice for one window, and a crash
    midway loses none of the others.
    """
    now = now or timezone.now()
    sent = 0
    for subscription_id in selectors.digest_due().values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            row = (Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("briefing", "section")
                   .filter(pk=subscription_id, status=SubscriptionStatus.ACTIVE, frequency=Frequency.WEEKLY).first())
            if row is None:
                continue
            since = row.digest_until or row.confirmed_at or row.created_at
            releases = selectors.digest_releases(subscription=row, since=since, until=now)
            row.digest_until = now
            row.save(update_fields=["digest_until", "updated_at"])
            if not releases:
                continue
            subject = f"[{row.briefing.title}] 今週の更新（{len(releases)}件）" + \
                (f"：{row.section.key}" if row.section_id else "")  # type: ignore[union-attr]
            body = render_to_string("subscriptions/mail/release.txt", {
                **_mail_context(row),
                "releases": [(release, selectors.release_changes(release=release), _release_url(release))
                             for release in releases],
                "digest": True,
            })
            headers, address = _list_headers(row), row.email
            transaction.on_commit(lambda s=subject, b=body, h=headers, a=address: mail_queue(
                subject=s, body=b, recipients=[a], headers=h))
            sent += 1
    return sent


def unsubscribe_url(subscription: Subscription) -> str:
    """Return the https link that unsubscribes ``subscription`` (GET: a page with a button; POST: at once)."""
    token = tokens.unsubscribe_token(subscription_id=subscription.pk, email=subscription.email)
    return absolute_url(reverse("subscriptions:unsubscribe", kwargs={"token": token}))


def _release_url(release: Release) -> str:
    return absolute_url(reverse("releases:release", kwargs={"slug": release.briefing.slug, "number": release.number}))


def _list_headers(subscription: Subscription) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _subject_label(subscription: Subscription) -> str:
    if subscription.section_id is None:
        return f"「{subscription.briefing.title}」"
    label = selectors.section_label(section_id=subscription.section_id) or subscription.section.key  # type: ignore[union-attr]
    return f"「{subscription.briefing.title}」の節「{label}」"


def _mail_context(subscription: Subscription) -> dict[str, object]:
    slug = subscription.briefing.slug
    return {
        "subscription": subscription, "subject_label": _subject_label(subscription),
        "briefing_url": absolute_url(reverse("releases:latest", kwargs={"slug": slug})),
        "unsubscribe_url": unsubscribe_url(subscription),
    }


def _confirmation_mail(subscription: Subscription, *, token: str, frequency: str) -> tuple[str, str]:
    url = absolute_url(reverse("subscriptions:confirm", kwargs={"token": token}))
    body = render_to_string("subscriptions/mail/confirm.txt", {
        "subject_label": _subject_label(subscription), "confirm_url": url,
        "frequency_label": Frequency(frequency).label,
        "hours": settings.SUBSCRIPTION_CONFIRM_MAX_AGE // 3600,
        "active": subscription.status == SubscriptionStatus.ACTIVE,
    })
    return f"[{subscription.briefing.title}] 購読の確認", body
