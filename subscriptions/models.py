"""Readers' email subscriptions and administrators' signed webhooks.

* ``Subscription`` — one address following a briefing (``section`` empty) or one
  section, immediately or in a weekly digest. Double opt-in: a row is
  ``pending`` until the link mailed to the address is confirmed; unsubscribing
  keeps the row (``unsubscribed``) so a later sign-up starts over with a new
  confirmation. The address is stored lower-cased (one row per address and
  subject, whatever the case typed).
* ``WebhookEndpoint`` — a URL an administrator registered, the events it wants
  and its signing secret (Standard Webhooks ``whsec_…``).
* ``WebhookDelivery`` — one event for one endpoint: the exact body signed and
  sent at every attempt (the id stays, so receivers can drop duplicates), its
  state and the next retry; ``WebhookAttempt`` — one try, with the answer.
"""
from __future__ import annotations

import base64
import secrets

from django.db import models
from django.db.models import Q

from briefings.models import Briefing, Section
from core.models import TimeStampedModel


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "公開のたびに"
    WEEKLY = "weekly", "週1回のまとめ"


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "確認待ち"
    ACTIVE = "active", "購読中"
    UNSUBSCRIBED = "unsubscribed", "解除済み"


class Subscription(TimeStampedModel):
    """An address that follows a briefing or one of its sections (double opt-in)."""

    email = models.EmailField("メールアドレス", max_length=254)
    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="ブリーフィング"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions", verbose_name="節",
        help_text="空ならブリーフィング全体",
    )
    frequency = models.CharField("頻度", max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    status = models.CharField(
        "状態", max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    confirmation_sent_at = models.DateTimeField("確認メール送信日時", null=True, blank=True)
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("解除日時", null=True, blank=True)
    digest_until = models.DateTimeField(
        "まとめ送信済みの範囲", null=True, blank=True, help_text="週1回のまとめに含めた公開版の作成日時の上限"
    )

    class Meta:
        verbose_name = "購読"
        verbose_name_plural = "購読"
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("email", "briefing"), condition=Q(section__isnull=True),
                                    name="subscription_unique_briefing"),
            models.UniqueConstraint(fields=("email", "briefing", "section"), condition=Q(section__isnull=False),
                                    name="subscription_unique_section"),
            models.CheckConstraint(name="subscription_email_lower", condition=Q(email=models.functions.Lower("email"))),
        ]
        indexes = [
            models.Index(fields=("briefing", "status", "frequency"), name="subscription_recipients"),
        ]

    def __str__(self) -> str:
        subject = self.section.key if self.section_id else self.briefing.slug  # type: ignore[union-attr]
        return f"{self.email} → {subject}（{self.get_status_display()}）"


class WebhookEvent(models.TextChoices):
    RELEASE_PUBLISHED = "release.published", "公開版の公開（release.published）"
    SECTION_STALE = "section.stale", "節の更新要（section.stale）"
    SOURCE_DEAD = "source.dead", "出典のリンク切れ（source.dead）"


def new_webhook_secret() -> str:
    """Return a fresh Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class WebhookEndpoint(TimeStampedModel):
    """A receiver URL registered by an administrator, the events it wants, and its signing secret."""

    url = models.URLField("URL", max_length=1000, help_text="https の URL。公開されたアドレスにのみ送信します。")
    description = models.CharField("説明", max_length=200, blank=True)
    events = models.JSONField("イベント", default=list, help_text="送るイベントの種類")
    secret = models.CharField("署名の鍵", max_length=100, default=new_webhook_secret, editable=False)
    is_active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "Webhook の送信先"
        verbose_name_plural = "Webhook の送信先"
        ordering = ("url", "pk")

    def __str__(self) -> str:
        return self.description or self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "送信待ち"
    RETRYING = "retrying", "再送待ち"
    DELIVERED = "delivered", "配信済み"
    FAILED = "failed", "失敗"


class WebhookDelivery(TimeStampedModel):
    """One event for one endpoint: the body signed at every attempt, its state and the next retry."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name="送信先"
    )
    message_id = models.CharField("メッセージID", max_length=64, unique=True)
    event = models.CharField("イベント", max_length=32, choices=WebhookEvent.choices)
    body = models.TextField("本文（JSON）")
    status = models.CharField("状態", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField("試行回数", default=0)
    last_status_code = models.PositiveIntegerField("最後の応答コード", null=True, blank=True)
    last_error = models.CharField("最後のエラー", max_length=500, blank=True)
    next_retry_at = models.DateTimeField("次の再送", null=True, blank=True)
    delivered_at = models.DateTimeField("配信日時", null=True, blank=True)

    class Meta:
        verbose_name = "Webhook の配信"
        verbose_name_plural = "Webhook の配信"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}（{self.get_status_display()}）"


class WebhookAttempt(models.Model):
    """One try at a delivery: when, the answer's status code and the start of its body, or the error."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name="配信"
    )
    number = models.PositiveIntegerField("回")
    attempted_at = models.DateTimeField("日時")
    status_code = models.PositiveIntegerField("応答コード", null=True, blank=True)
    response_excerpt = models.CharField("応答（先頭）", max_length=500, blank=True)
    error = models.CharField("エラー", max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField("所要時間（ms）", default=0)

    class Meta:
        verbose_name = "Webhook の送信試行"
        verbose_name_plural = "Webhook の送信試行"
        ordering = ("delivery", "number")
        constraints = [
            models.UniqueConstraint(fields=("delivery", "number"), name="webhook_attempt_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}: {self.status_code or self.error}"
