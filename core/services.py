"""Writes of the shared foundations."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import SCHEDULER, Heartbeat


def heartbeat_record(*, name: str = SCHEDULER, at: dt.datetime | None = None) -> Heartbeat:
    """Record that the process ``name`` is alive at ``at`` (now); one row per name, updated in place."""
    heartbeat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": at or timezone.now()})
    return heartbeat
