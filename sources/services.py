"""Writes for sources. Services are the only code that creates or changes a Source."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sources.models import FAILING_OUTCOMES, LinkCheck, LinkHealth, LinkOutcome, LinkStatus, Source
from sources.parsing import ParsedSource, url_domain

ALLOWED_URL_SCHEMES = ("http://", "https://")


def source_ingest(*, parsed: ParsedSource, accessed_on: dt.date | None = None) -> tuple[Source, bool]:
    """Return the Source for ``parsed``, creating it the first time it is seen.

    Idempotent on the natural key (``parsed.fingerprint``): ingesting the same
    citation again returns the stored row unchanged and ``created=False``.
    """
    existing = Source.objects.filter(fingerprint=parsed.fingerprint).first()
    if existing is not None:
        return existing, False
    issued = parsed.issued
    source = Source(
        fingerprint=parsed.fingerprint,
        kind=parsed.kind,
        citation=parsed.citation,
        title=parsed.title,
        container=parsed.container,
        volume=parsed.volume,
        author=parsed.author,
        publisher=parsed.publisher,
        issued_on=issued.start if issued else None,
        issued_until=issued.until if issued else None,
        issued_precision=issued.precision if issued else "",
        issued_text=issued.text if issued else "",
        url=parsed.url,
        url_domain=parsed.url_domain,
        accessed_on=accessed_on if parsed.url else None,
    )
    _validate(source)
    source.save()
    if source.url:
        LinkHealth.objects.create(source=source)  # unchecked until the first check
    return source, True


def source_update(*, source: Source, data: dict[str, Any]) -> Source:
    """Change the descriptive fields of a source; the URL must stay http(s).

    Raises ``ValidationError`` naming the field for a bad value.
    """
    old_url = source.url
    for name, value in data.items():
        setattr(source, name, value)
    source.url_domain = url_domain(source.url)
    _validate(source)
    with transaction.atomic():
        source.save()
        if source.url != old_url:  # a new address starts a new health record
            LinkHealth.objects.filter(source=source).delete()
            if source.url:
                LinkHealth.objects.create(source=source)
    return source


def _validate(source: Source) -> None:
    for field in ("url", "archive_url"):
        value = getattr(source, field)
        if value and not value.lower().startswith(ALLOWED_URL_SCHEMES):
            raise ValidationError({field: "URLはhttp://またはhttps://で始まる必要があります。"})
    source.full_clean(exclude=["fingerprint", "url_domain"])


class HostBusy(Exception):
    """Every check slot for this host is taken; try again shortly."""


def link_check(*, source_id: int, force: bool = False, now: dt.datetime | None = None) -> LinkCheck | None:
    """Check a source's URL once and update its health; ``None`` when skipped.

    Idempotent: a source checked less than ``LINK_CHECK_MIN_INTERVAL`` seconds
    ago is skipped unless ``force``. Polite: at most ``LINK_CHECK_HOST_CONCURRENCY``
    checks of one host at a time (``HostBusy`` otherwise), a timeout and a
    User-Agent naming the product. A link becomes dead only after
    ``LINK_DEAD_AFTER_FAILURES`` failures in a row spread over at least
    ``LINK_DEAD_AFTER_DAYS`` days.
    """
    from sources import linkcheck

    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.url:
        return None
    now = now or timezone.now()
    health, _created = LinkHealth.objects.get_or_create(source=source)
    interval = dt.timedelta(seconds=settings.LINK_CHECK_MIN_INTERVAL)
    if not force and health.last_checked_at is not None and now - health.last_checked_at < interval:
        return None
    host = url_domain(source.url)
    slot = _acquire_host_slot(host)
    try:
        result = linkcheck.fetch(source.url, timeout=settings.LINK_CHECK_TIMEOUT, user_agent=settings.LINK_CHECK_USER_AGENT,
                                 allow_loopback=settings.LINK_CHECK_ALLOW_LOOPBACK)
    finally:
        cache.delete(slot)
    with transaction.atomic():
        health = LinkHealth.objects.select_for_update().get(pk=health.pk)
        check = LinkCheck.objects.create(
            source=source, url=source.url, checked_at=now, outcome=result.outcome, http_status=result.http_status,
            final_url=result.final_url, error=result.error, elapsed_ms=result.elapsed_ms,
        )
        _apply(health, result.outcome, result.final_url, now)
    return check


def _apply(health: LinkHealth, outcome: str, final_url: str, now: dt.datetime) -> None:
    health.last_checked_at = now
    health.last_outcome = outcome
    health.final_url = final_url
    if outcome in FAILING_OUTCOMES:
        health.consecutive_failures += 1
        health.failing_since = health.failing_since or now
        spread = now - health.failing_since >= dt.timedelta(days=settings.LINK_DEAD_AFTER_DAYS)
        enough = health.consecutive_failures >= settings.LINK_DEAD_AFTER_FAILURES
        health.status = LinkStatus.DEAD if enough and spread else LinkStatus.FAILING
    else:
        health.consecutive_failures = 0
        health.failing_since = None
        health.last_ok_at = now
        health.status = LinkStatus.MOVED if outcome == LinkOutcome.REDIRECT_OTHER_SITE else LinkStatus.OK
    health.save()


def _acquire_host_slot(host: str) -> str:
    for index in range(settings.LINK_CHECK_HOST_CONCURRENCY):
        key = f"link-check-host:{host}:{index}"
        if cache.add(key, 1, timeout=int(settings.LINK_CHECK_TIMEOUT) + 30):
            return key
    raise HostBusy(host)


def links_due(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of sources with a URL whose last check is older than the minimum interval (or never)."""
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.LINK_CHECK_MIN_INTERVAL)
    return list(
        Source.objects.exclude(url="")
        .filter(Q(link_health__isnull=True) | Q(link_health__last_checked_at__isnull=True)
                | Q(link_health__last_checked_at__lt=since))
        .order_by("url_domain", "pk")
        .values_list("pk", flat=True)
    )
