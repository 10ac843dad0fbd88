"""Reads for sources."""
from __future__ import annotations

from django.db.models import QuerySet

from sources.models import Source


def source_list() -> QuerySet[Source]:
    return Source.objects.select_related("link_health").order_by("kind", "issued_on", "pk")
