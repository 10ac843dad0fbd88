"""Reads of the shared foundations."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.dates import to_tokyo
from core.models import SCHEDULER, Heartbeat


@dataclass(frozen=True)
class SchedulerStatus:
    """Whether scheduled work (publishing, link checks) is being done, and how we know."""

    running: bool
    last_heartbeat: dt.datetime | None
    stale_after: dt.timedelta
    message: str  # Japanese, for the editors' dashboard

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "running" if self.running else "not_running",
            "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            "stale_after_seconds": int(self.stale_after.total_seconds()),
            "message": self.message,
        }


def scheduler_status(*, now: dt.datetime | None = None) -> SchedulerStatus:
    """Say whether the scheduler (Celery beat and a worker) is running, from its last heartbeat.

    Running means a heartbeat within three intervals (``SCHEDULER_HEARTBEAT_INTERVAL``).
    """
    now = now or timezone.now()
    stale_after = dt.timedelta(seconds=3 * settings.SCHEDULER_HEARTBEAT_INTERVAL)
    last = Heartbeat.objects.filter(name=SCHEDULER).values_list("beat_at", flat=True).first()
    running = last is not None and now - last <= stale_after
    if last is None:
        seen = "一度も動作を確認できていません"
    else:
        seen = f"最終確認 {to_tokyo(last):%Y年%-m月%-d日 %H:%M:%S}（日本時間）"
    if running:
        message = f"スケジューラは稼働中です（{seen}）。"
    else:
        message = (
            f"スケジューラが停止しています（{seen}）。公開予約した版は、スケジューラ（Celery beat と worker）が"
            "動くまで公開されません。"
        )
    return SchedulerStatus(running=running, last_heartbeat=last, stale_after=stale_after, message=message)
