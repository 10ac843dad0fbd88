"""Health endpoints for load balancers and supervisors.

* ``/healthz``: the process is up and answering; no I/O at all (liveness).
* ``/readyz``: the database, the cache and the Celery broker are reachable
  (readiness): 200 when all are, 503 when one is not, with a JSON status per
  dependency. The scheduler's heartbeat is reported beside them for
  information only (a stopped beat does not take a web server out of service).

``HealthCheckMiddleware`` answers both paths first in the middleware stack, so
a probe needs no ``Host`` from ``ALLOWED_HOSTS`` (load balancers probe by
address), is never redirected to HTTPS, opens no session, is not rate limited
and is never cached (``Cache-Control: no-store``). The same views are also
routed in ``config/urls.py``.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from celery import current_app as celery_app
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from core.selectors import scheduler_status

HEALTH_PATHS = ("/healthz", "/readyz")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 while the process can serve requests; touch nothing."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Check every dependency at once, each within ``READYZ_TIMEOUT`` seconds; 503 if one fails."""
    checks: dict[str, Callable[[], dict[str, Any]]] = {
        "database": _check_database,
        "cache": _check_cache,
        "broker": _check_broker,
    }
    timeout = float(settings.READYZ_TIMEOUT)
    # Threads: a dependency that hangs (a dropped packet, a pool with no free
    # connection) is reported as a timeout instead of hanging the probe.
    pool = ThreadPoolExecutor(max_workers=len(checks) + 1, thread_name_prefix="readyz")
    futures = {name: pool.submit(_timed, check) for name, check in checks.items()}
    scheduler = pool.submit(_scheduler)
    results: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            results[name] = {"status": "error", "error": f"no answer within {timeout:g} s"}
    try:
        scheduler_info = scheduler.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        scheduler_info = {"status": "unknown", "error": f"no answer within {timeout:g} s"}
    pool.shutdown(wait=False, cancel_futures=True)
    ready = all(result["status"] in ("ok", "not_configured") for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results, "scheduler": scheduler_info},
        status=200 if ready else 503,
        json_dumps_params={"ensure_ascii": False},
    )


class HealthCheckMiddleware:
    """Answer ``/healthz`` and ``/readyz`` before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if request.method in ("GET", "HEAD") and path in HEALTH_PATHS:
            return healthz(request) if path == "/healthz" else readyz(request)
        return self.get_response(request)


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency is "not ready", reported as such
        result = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _check_database() -> dict[str, Any]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok", "vendor": connections["default"].vendor}
    finally:
        connections.close_all()  # this thread's connection (or pool slot) is not kept


def _check_cache() -> dict[str, Any]:
    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        return {"status": "error", "error": "the cache did not return the value just stored"}
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {"status": "ok", "backend": backend}


def _check_broker() -> dict[str, Any]:
    if celery_app.conf.task_always_eager or not celery_app.conf.broker_url:
        return {"status": "not_configured", "detail": "no broker: tasks run in the web process"}
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0)  # one attempt: a probe reports, it does not wait
        connection.default_channel  # noqa: B018 - opening a channel is the round trip (Redis: PING)
        return {"status": "ok", "transport": connection.transport_cls}


def _scheduler() -> dict[str, Any]:
    try:
        return scheduler_status().as_dict()
    except Exception as exc:  # noqa: BLE001 - the database may be down; that is reported above
        return {"status": "unknown", "error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        connections.close_all()
