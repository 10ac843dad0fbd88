"""Reads for sources."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sources.models import Source


def source_list(*, user: Any) -> QuerySet[Source]:
    """Sources ``user`` may see: every one for editors and reviewers, public ones for everybody else."""
    return Source.objects.visible_to(user).select_related("link_health").order_by("kind", "issued_on", "pk")


def source_get(*, source_id: int, user: Any) -> Source | None:
    return Source.objects.visible_to(user).filter(pk=source_id).first()
