"""Reads of the catalogue readers browse: briefings that have a public release."""
from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from briefings.models import Briefing
from releases.models import Release


def briefing_list_published() -> QuerySet[Briefing]:
    """Briefings with at least one public release, the most recently published first."""
    now = timezone.now()
    public = Release.objects.published(now=now)
    return (
        Briefing.objects.filter(Exists(public.filter(briefing=OuterRef("pk"))))
        .annotate(last_published_at=Max("releases__published_at", filter=Q(releases__published_at__lte=now)))
        .order_by("-last_published_at", "title")
    )
