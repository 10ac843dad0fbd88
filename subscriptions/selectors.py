"""Reads of the subscriptions app: who is told about a release, what a digest holds, what events say.

Event payloads (``*_event_data``) are what a webhook receiver gets under
``data``: public information only, with absolute links on ``SITE_URL``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from briefings.models import NOTIFYING_KINDS, Briefing, Section
from core.site import absolute_url
from releases.models import Release, ReleaseSection
from sources.models import LinkHealth, Source
from subscriptions.models import Frequency, Subscription, SubscriptionStatus, WebhookEndpoint


@dataclass(frozen=True)
class Change:
    """A section a release changed: its key, label and change summary as published."""

    key: str
    label: str
    summary: str


def release_notifies(*, release: Release, now: dt.datetime | None = None) -> bool:
    """Say whether subscribers hear of ``release``: public already, and an update or a correction."""
    return release.kind in NOTIFYING_KINDS and Release.objects.published(now=now).filter(pk=release.pk).exists()


def release_changes(*, release: Release) -> list[Change]:
    """Return the sections ``release`` changed, in reading order (none for the first release)."""
    if release.number == 1:
        return []
    rows = (ReleaseSection.objects.filter(release=release, changed=True).select_related("section")
            .order_by("position"))
    return [Change(row.section.key, row.label, row.change_summary) for row in rows]


def immediate_recipients(*, release: Release, changed_keys: Iterable[str]) -> list[Subscription]:
    """Return the active immediate subscriptions ``release`` concerns: its briefing, or a section it changed.

    One subscription per address (the whole briefing wins over its sections), in address order.
    """
    rows = (
        Subscription.objects.filter(briefing_id=release.briefing_id, status=SubscriptionStatus.ACTIVE,
                                    frequency=Frequency.IMMEDIATE)
        .filter(Q(section__isnull=True) | Q(section__key__in=list(changed_keys)))
        .select_related("briefing", "section")
        .order_by("email", "section_id")  # NULL (the whole briefing) sorts last in PostgreSQL: pick below
    )
    chosen: dict[str, Subscription] = {}
    for row in rows:
        if row.email not in chosen or row.section_id is None:
            chosen[row.email] = row
    return list(chosen.values())


def digest_due(*, frequency: str = Frequency.WEEKLY) -> QuerySet[Subscription]:
    """Return the active subscriptions of ``frequency`` (the digest walks them)."""
    return Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, frequency=frequency).order_by("pk")


def digest_releases(*, subscription: Subscription, since: dt.datetime, until: dt.datetime) -> list[Release]:
    """Return the notifying releases recorded in (``since``, ``until``] that ``subscription`` follows, oldest first.

    The window is on ``created_at`` (when the release was recorded), so a
    backdated release still reaches the next digest; it must be public by ``until``.
    """
    rows = (
        Release.objects.published(now=until)
        .filter(briefing_id=subscription.briefing_id, kind__in=NOTIFYING_KINDS, created_at__gt=since,
                created_at__lte=until)
        .order_by("created_at", "number")
    )
    if subscription.section_id is not None:
        rows = rows.filter(entries__section_id=subscription.section_id, entries__changed=True, number__gt=1)
    return list(rows.select_related("briefing"))


def subscription_by_id(*, subscription_id: int) -> Subscription | None:
    return Subscription.objects.select_related("briefing", "section").filter(pk=subscription_id).first()


def endpoints_for(*, event: str) -> list[WebhookEndpoint]:
    """Return the active endpoints that asked for ``event``."""
    return [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("pk")
            if event in endpoint.events]


def release_event_data(*, release: Release) -> dict[str, Any]:
    """Describe a published release for ``release.published``."""
    slug = release.briefing.slug
    return {
        "briefing": {"slug": slug, "title": release.briefing.title,
                     "url": absolute_url(reverse("releases:latest", kwargs={"slug": slug}))},
        "release": {
            "number": release.number, "kind": release.kind, "published_at": release.published_at.isoformat(),
            "information_as_of": release.information_as_of.isoformat(), "summary": release.summary,
            "url": absolute_url(reverse("releases:release", kwargs={"slug": slug, "number": release.number})),
            "api_url": absolute_url(reverse("api-release-detail", kwargs={"release_id": release.pk})),
        },
        "changed_sections": [{"key": c.key, "label": c.label, "change_summary": c.summary}
                             for c in release_changes(release=release)],
    }


def stale_section_event_data(*, section_ids: list[int]) -> list[dict[str, Any]]:
    """Describe each section for ``section.stale`` (sections never published are left out)."""
    sections = Section.objects.filter(pk__in=section_ids).select_related("briefing").order_by("pk")
    labels = dict(
        ReleaseSection.objects.filter(section_id__in=section_ids, release__in=Release.objects.published())
        .order_by("section_id", "-release__number").distinct("section_id").values_list("section_id", "label")
    )
    result = []
    for section in sections:
        if section.pk not in labels:
            continue
        slug = section.briefing.slug
        result.append({
            "briefing": {"slug": slug, "title": section.briefing.title,
                         "url": absolute_url(reverse("releases:latest", kwargs={"slug": slug}))},
            "section": {"key": section.key, "label": labels[section.pk],
                        "url": absolute_url(reverse("releases:latest", kwargs={"slug": slug})) + f"#sec-{section.key}",
                        "history_url": absolute_url(reverse("releases:section_history",
                                                            kwargs={"slug": slug, "key": section.key}))},
        })
    return result


def dead_source_event_data(*, source_id: int) -> dict[str, Any] | None:
    """Describe a source whose link died for ``source.dead``; ``None`` unless the source is public."""
    source = Source.objects.public().filter(pk=source_id).first()
    health = LinkHealth.objects.filter(source_id=source_id).first()
    if source is None or health is None:
        return None
    return {
        "source": {"id": source.pk, "title": source.title, "citation": source.citation, "url": source.url,
                   "archive_url": source.archive_url,
                   "api_url": absolute_url(reverse("api-source-detail", kwargs={"source_id": source.pk}))},
        "link": {"status": health.status, "last_outcome": health.last_outcome, "final_url": health.final_url,
                 "failing_since": health.failing_since.isoformat() if health.failing_since else None,
                 "last_checked_at": health.last_checked_at.isoformat() if health.last_checked_at else None,
                 "consecutive_failures": health.consecutive_failures},
    }


def section_label(*, section_id: int) -> str:
    """Return the section's label in the newest public release that shows it, or ``""``."""
    label = (ReleaseSection.objects.filter(section_id=section_id, release__in=Release.objects.published())
             .order_by("-release__number").values_list("label", flat=True).first())
    return label or ""


def published_sections(*, briefing: Briefing) -> list[tuple[Section, str]]:
    """Return the sections of ``briefing``'s latest public release with their labels, in reading order."""
    latest = Release.objects.of(briefing).published().newest_first().first()
    if latest is None:
        return []
    rows = ReleaseSection.objects.filter(release=latest).select_related("section").order_by("position")
    return [(row.section, row.label) for row in rows]


def section_label_in(*, briefing: Briefing, key: str) -> str:
    """Return the label of section ``key`` in the newest public release of ``briefing`` that shows it, or ``""``."""
    label = (ReleaseSection.objects.filter(release__briefing=briefing, section__key=key,
                                           release__in=Release.objects.published())
             .order_by("-release__number").values_list("label", flat=True).first())
    return label or ""
