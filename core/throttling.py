"""Abuse limits: login lockout (django-axes) and API rate limits (DRF throttles).

**Logins.** django-axes counts failed logins in the database (``AccessAttempt``,
incremented with ``F()`` under ``select_for_update``) and locks out the
**combination of user name and client address** (``AXES_LOCKOUT_PARAMETERS``):
someone guessing from elsewhere locks only themselves out, never the real user
at their own address. The count is checked before the password is, so parallel
attempts could all pass the check before any failure is recorded;
``LoginAttemptLockMiddleware`` closes that race by serialising the attempts of
one (user name, address) pair on a PostgreSQL advisory lock, so the N-th
attempt always sees the N-1 before it. A lockout is a 429 page (a problem document under
``/api/``) with ``Retry-After``.

**API.** ``AnonReadThrottle`` (anonymous reads, per address),
``UserWriteThrottle`` (authenticated writes, per user) and ``TokenThrottle``
(the token endpoint ``POST /api/auth/token/``, per address, for the view that
sets ``throttle_scope = "auth_token"``); rates are in
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``. Over the rate: 429 with
``Retry-After``. The counters live in the cache: with the cache down the
limits are not enforced (``core.cache`` logs it) rather than refusing readers.

**Addresses.** The client is ``REMOTE_ADDR``, which ``core.proxy`` has already
set from ``X-Forwarded-For`` when the request came through one of
``TRUSTED_PROXIES`` (the one place that rule lives); a client-sent
``X-Forwarded-For`` is otherwise ignored, so it cannot be used to dodge a limit.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.errorpages import error_response

if TYPE_CHECKING:  # rest_framework.views imports the throttle classes named in the settings: no cycle at run time
    from rest_framework.request import Request
    from rest_framework.views import APIView

LOGIN_PATHS = ("/admin/login/", "/api/auth/token/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def client_ip(request: HttpRequest | Request) -> str:
    """Return the client's address (``core.proxy`` resolved it behind trusted proxies)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """Answer a locked-out login (``AXES_LOCKOUT_CALLABLE``): 429 with ``Retry-After``."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, seconds // 60)
    response = error_response(
        request, 429,
        f"ログインの失敗が続いたため、このユーザー名とこの接続元からのログインをしばらく受け付けません。"
        f"{minutes}分ほどおいて再度お試しください。",
        code="locked_out",
    )
    response["Retry-After"] = str(seconds)
    return response


class LoginAttemptLockMiddleware:
    """Serialise the login attempts of one (user name, address) pair, so a burst cannot outrun the count.

    PostgreSQL only (``pg_advisory_xact_lock``, released when the request's
    transaction ends); on SQLite, a development database, attempts are not serialised.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path not in LOGIN_PATHS or connection.vendor != "postgresql":
            return self.get_response(request)
        key = hashlib.blake2b(f"login:{_posted_username(request)}:{client_ip(request)}".encode(), digest_size=8)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(key.digest(), "big", signed=True)])
            return self.get_response(request)


def _posted_username(request: HttpRequest) -> str:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return ""
        return str(data.get("username", "")) if isinstance(data, dict) else ""
    return str(request.POST.get("username", ""))


class _Throttle(SimpleRateThrottle):
    """A scoped throttle reading its rate when used, so changed settings apply (tests, reloads)."""

    scope = ""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[no-any-return]

    def get_ident(self, request: Request) -> str:
        return client_ip(request)

    def applies(self, request: Request, view: APIView) -> bool:
        raise NotImplementedError

    def ident(self, request: Request, view: APIView) -> str:
        return self.get_ident(request)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not self.applies(request, view):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request, view)}


class AnonReadThrottle(_Throttle):
    """Anonymous reads (GET/HEAD/OPTIONS), per client address."""

    scope = "anon_read"

    def applies(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS and not (request.user and request.user.is_authenticated)


class UserWriteThrottle(_Throttle):
    """Authenticated writes (POST/PUT/PATCH/DELETE), per user."""

    scope = "user_write"

    def applies(self, request: Request, view: APIView) -> bool:
        return request.method not in SAFE_METHODS and bool(request.user and request.user.is_authenticated)

    def ident(self, request: Request, view: APIView) -> str:
        return str(request.user.pk)


class TokenThrottle(_Throttle):
    """The token endpoint (a view with ``throttle_scope = "auth_token"``), per client address, any method."""

    scope = "auth_token"

    def applies(self, request: Request, view: APIView) -> bool:
        return getattr(view, "throttle_scope", None) == self.scope
