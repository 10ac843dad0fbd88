"""Redis really stopped: reader pages, the API, the admin and login lockout keep working as if nothing were cached.

A redis-server of the test's own (a spare port) backs the cache, is stopped
mid-test, then started again.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache

from core import cache as degrading

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "/", "/briefings/world-2025/", "/briefings/world-2025/releases/1/", "/briefings/world-2025/as-of/2025-03-01/",
    "/briefings/world-2025/sections/ch4-1/history/", "/sources/", "/events/", "/api/briefings/",
    "/api/briefings/world-2025/", "/api/briefings/world-2025/snapshot/", "/api/sources/", "/admin/login/",
]


@pytest.fixture
def redis_cache(redis_server, settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.CACHES = {"default": {
        "BACKEND": "core.cache.DegradingRedisCache", "LOCATION": redis_server.url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon_read": "2/min", "user_write": "2/min", "auth_token": "2/min"}}
    monkeypatch.setattr(degrading, "breaker", degrading._Breaker())
    return redis_server


def test_with_redis_stopped_every_surface_keeps_answering(client, briefing, editor, redis_cache, caplog):
    # given: pages rendered and cached while Redis runs
    assert client.get("/briefings/world-2025/releases/1/").status_code == 200
    assert redis.Redis.from_url(redis_cache.url).dbsize() > 0
    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="core.cache")
    # when
    statuses = {url: client.get(url).status_code for url in PAGES}
    repeated = [client.get("/api/briefings/").status_code for _ in range(5)]  # throttle counters live in the cache
    login = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "pw"})
    admin = client.get("/admin/")
    # then
    assert statuses == dict.fromkeys(PAGES, 200)
    assert repeated == [200] * 5  # limits are not enforced without their counters, readers are not refused
    assert login.status_code == 302 and admin.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1 and "cache unreachable" in warnings[0]  # one line per outage, not one per call


def test_login_lockout_still_counts_with_redis_stopped(client, editor, redis_cache, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 2
    redis_cache.stop()
    # when
    for _ in range(2):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    # then: the count is in the database, not the cache
    assert client.post("/admin/login/", {"username": "editor", "password": "pw"}).status_code == 429


def test_the_cache_is_used_again_once_redis_is_back(client, briefing, redis_cache, monkeypatch, caplog):
    # given: an outage noticed
    monkeypatch.setattr(degrading, "RETRY_AFTER", 0.0)
    redis_cache.stop()
    assert client.get("/briefings/world-2025/releases/1/").status_code == 200
    # when
    redis_cache.start()
    caplog.set_level(logging.WARNING, logger="core.cache")
    response = client.get("/briefings/world-2025/releases/1/")
    # then
    assert response.status_code == 200
    assert redis.Redis.from_url(redis_cache.url).dbsize() > 0
    assert any("answers again" in r.getMessage() for r in caplog.records)


def test_production_settings_choose_the_degrading_backend_with_short_timeouts():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "CACHE_URL": "redis://127.0.0.1:6/0",
           "SECRET_KEY": "x" * 60, "DEBUG": "0"}
    code = "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c['OPTIONS'])"
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == (
        "core.cache.DegradingRedisCache {'socket_connect_timeout': 1.0, 'socket_timeout': 1.0}"
    )


def test_one_redis_client_serves_every_call_and_survives_a_restart(redis_cache):
    """Django makes a client per cache call (about 100 µs); ours is made once per pool and shared by threads."""
    backend = cache._cache  # noqa: SLF001 - the client is what is under test
    assert backend.get_client() is backend.get_client(write=True)
    cache.set("kept", 1)
    redis_cache.stop()
    assert cache.get("kept") is None  # a miss while Redis is down
    redis_cache.start()
    degrading.breaker.reset(str(backend._servers[0]))  # noqa: SLF001 - skip the breaker's wait
    cache.set("kept", 2)
    assert cache.get("kept") == 2
