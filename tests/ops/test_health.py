"""/healthz and /readyz: what a load balancer and a supervisor rely on."""
from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client, override_settings

from core import health
from tests.ops.conftest import Redis, free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    # when
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    # then
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["briefings.example.org"])
def test_probes_by_address_over_plain_http_are_answered_not_redirected_or_refused():
    # given: a load balancer probing 10.0.0.7:8000 over HTTP, a host not in ALLOWED_HOSTS
    client = Client(HTTP_HOST="10.0.0.7:8000")
    # when / then
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz/").status_code == 200
    assert client.get("/briefings/").status_code == 400  # everything else still checks the host


def test_readyz_reports_each_dependency(client):
    # when
    response = client.get("/readyz")
    # then
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "not_configured"  # the test settings run tasks eagerly
    assert body["scheduler"]["status"] == "not_running"
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_503_with_the_failing_dependency_named_when_redis_stops(client, redis: Redis, use_broker):
    # given: the cache and the broker on a real Redis
    use_broker(redis.url(0))
    cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url(1)}}
    with override_settings(CACHES=cache):
        up = client.get("/readyz").json()["checks"]
        assert up["cache"]["status"] == "ok" and up["cache"]["backend"] == "RedisCache"
        assert up["broker"]["status"] == "ok" and up["broker"]["transport"] == "redis"
        # when
        redis.stop()
        response = client.get("/readyz")
    # then
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "error" and "Connection" in body["checks"]["cache"]["error"]
    assert body["checks"]["broker"]["status"] == "error"


def test_readyz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    # given: the probe's own connection (a new thread) points at a port where nothing listens
    monkeypatch.setitem(connections.settings["default"], "PORT", str(free_port()))
    monkeypatch.setitem(connections.settings["default"], "HOST", "127.0.0.1")
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs a database server")
    # when
    response = client.get("/readyz")
    # then
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["status"] == "error" and "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["scheduler"]["status"] == "unknown"


def test_readyz_gives_up_on_a_dependency_that_hangs(client, monkeypatch, settings):
    # given: a cache that never answers
    settings.READYZ_TIMEOUT = 0.3
    released = threading.Event()
    monkeypatch.setattr(health, "_check_cache", lambda: released.wait(5) and {"status": "ok"})
    # when
    response = client.get("/readyz")
    released.set()
    # then
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"status": "error", "error": "no answer within 0.3 s"}
