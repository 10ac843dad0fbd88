"""Reads of briefings and sections that are not about history."""
from __future__ import annotations

from django.db.models import Max, QuerySet
from django.utils import timezone

from briefings.models import Briefing, Section
from core.errors import NotFound


def briefing_list_published() -> QuerySet[Briefing]:
    """Briefings with at least one public release, annotated with its last date."""
    return (
        Briefing.objects.filter(releases__published_at__lte=timezone.now())
        .annotate(last_published_at=Max("releases__published_at"))
        .order_by("-last_published_at", "title")
    )


def briefing_get(*, slug: str) -> Briefing:
    briefing = Briefing.objects.filter(slug=slug).first()
    if briefing is None:
        raise NotFound(f"ブリーフィング「{slug}」は存在しません。")
    return briefing


def section_get(*, briefing: Briefing, key: str) -> Section:
    section = Section.objects.filter(briefing=briefing, key=key).first()
    if section is None:
        raise NotFound(f"節「{key}」は存在しません。")
    return section
