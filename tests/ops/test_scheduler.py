"""The scheduler's heartbeat: beat sends it, a worker records it, the product says whether it runs."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from core.models import Heartbeat
from core.selectors import scheduler_status
from core.services import heartbeat_record
from tests.ops.conftest import process_env, requires_postgres, start, stop, wait_for

pytestmark = pytest.mark.django_db


def test_without_any_heartbeat_the_scheduler_is_said_not_to_run():
    status = scheduler_status()
    assert status.running is False and status.last_heartbeat is None
    assert "スケジューラが停止しています（一度も動作を確認できていません）" in status.message
    assert "公開されません" in status.message


def test_a_recent_heartbeat_means_running_and_says_when_in_tokyo_time():
    # given
    heartbeat_record(at=dt.datetime(2025, 3, 10, 8, 0, 5, tzinfo=dt.UTC))
    # when
    status = scheduler_status(now=dt.datetime(2025, 3, 10, 8, 1, 0, tzinfo=dt.UTC))
    # then
    assert status.running is True
    assert status.message == "スケジューラは稼働中です（最終確認 2025年3月10日 17:00:05（日本時間））。"
    assert status.as_dict()["status"] == "running"


def test_a_heartbeat_older_than_three_intervals_means_stopped():
    # given
    beat = timezone.now()
    heartbeat_record(at=beat)
    interval = dt.timedelta(seconds=settings.SCHEDULER_HEARTBEAT_INTERVAL)
    # when / then
    assert scheduler_status(now=beat + 3 * interval).running is True
    stopped = scheduler_status(now=beat + 3 * interval + dt.timedelta(seconds=1))
    assert stopped.running is False and stopped.last_heartbeat == beat and "最終確認" in stopped.message


def test_heartbeats_update_one_row():
    heartbeat_record()
    heartbeat_record()
    assert Heartbeat.objects.count() == 1


def test_beat_sends_the_heartbeat_with_an_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["scheduler-heartbeat"]
    assert entry["task"] == "core.scheduler_heartbeat_task"
    assert entry["schedule"] == settings.SCHEDULER_HEARTBEAT_INTERVAL and entry["options"]["expires"] > 0


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_beat_and_worker_make_the_scheduler_run_at_once_and_stopping_them_is_seen(redis, tmp_path: Path):
    # given: beat and a worker as the Procfile runs them, on a real Redis
    env = process_env(CELERY_BROKER_URL=redis.url(0))
    worker = start(["worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "-l", "INFO"], env, tmp_path / "worker.log")
    beat = start(["beat", "-l", "INFO", "--schedule", str(tmp_path / "celerybeat-schedule")], env,
                 tmp_path / "beat.log")
    try:
        # when: (beat sends the first heartbeat when it starts, not one interval later)
        status = wait_for(lambda: scheduler_status().running and scheduler_status(), 45)
    finally:
        stop(beat)
        stop(worker)
    # then
    assert status, (tmp_path / "beat.log").read_text()[-1500:] + (tmp_path / "worker.log").read_text()[-1500:]
    assert status.last_heartbeat is not None
    # and once they are gone, the heartbeat ages out
    later = status.last_heartbeat + dt.timedelta(seconds=3 * settings.SCHEDULER_HEARTBEAT_INTERVAL + 1)
    assert scheduler_status(now=later).running is False
