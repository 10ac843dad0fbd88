"""A real Celery worker against the Redis started by scripts/test checks links on a local server.

The worker is a separate process reading the test database (PostgreSQL); the
sweep task queues one check per source and the worker stores the results.
Skipped without a broker (CELERY_BROKER_URL) or without PostgreSQL.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app
from sources.models import LinkCheck, LinkHealth, Source

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs the Redis broker started by scripts/test"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database"),
]


@pytest.fixture
def worker():  # type: ignore[no-untyped-def]
    settings = connection.settings_dict
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "worker-test-" + "x" * 50,
        "PGDATABASE": settings["NAME"], "PGHOST": settings["HOST"] or "127.0.0.1", "PGPORT": str(settings["PORT"]),
        "PGUSER": settings["USER"] or "postgres", "DATABASE_URL": "", "CELERY_BROKER_URL": BROKER,
        "LINK_CHECK_TIMEOUT": "1", "LINK_CHECK_SPACING": "0", "LINK_CHECK_HOST_CONCURRENCY": "2",
        "LINK_CHECK_ALLOW_LOOPBACK": "1",  # the test's site is on 127.0.0.1
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env,
    )
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=BROKER)
    app._pool = None
    app.amqp._producer_pool = None
    yield process
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_for(condition, seconds: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_the_worker_checks_every_link_and_stores_each_outcome(worker, site):
    from sources.tasks import link_check_all_task, link_check_task

    paths = {"/ok": "ok", "/moved": "redirect_same_site", "/gone": "not_found", "/broken": "server_error",
             "/slow": "timeout"}
    sources = {
        path: Source.objects.create(fingerprint=f"{index:064d}", kind="website", citation=path, url=site + path,
                                    url_domain="127.0.0.1")
        for index, path in enumerate(paths)
    }
    link_check_all_task.delay()
    assert _wait_for(lambda: LinkCheck.objects.count() >= len(paths)), "the worker stored no results"
    outcomes = {path: LinkCheck.objects.get(source=source).outcome for path, source in sources.items()}
    assert outcomes == paths
    assert LinkCheck.objects.get(source=sources["/broken"]).http_status == 500
    assert LinkHealth.objects.get(source=sources["/gone"]).consecutive_failures == 1
    # on demand (the admin's action): a forced check runs again; an unforced one is skipped
    link_check_task.delay(sources["/ok"].pk, True)
    link_check_task.delay(sources["/gone"].pk, False)
    assert _wait_for(lambda: LinkCheck.objects.filter(source=sources["/ok"]).count() == 2)
    time.sleep(2)
    assert LinkCheck.objects.filter(source=sources["/gone"]).count() == 1
