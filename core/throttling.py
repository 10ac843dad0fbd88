"""Throttle admin logins: after too many failures for one address or one user name,
further attempts are refused (HTTP 429) until the window has passed.

Failures are counted from Django's ``user_login_failed`` signal in the cache,
per client address and per user name; a successful login clears its counter.
Behind a proxy, configure the proxy to set ``REMOTE_ADDR`` correctly.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOGIN_PATHS = ("/admin/login/",)


def _keys(request: HttpRequest | None, username: str) -> list[str]:
    keys = [f"login-fail:user:{username.strip().lower()}"] if username else []
    if request is not None:
        keys.append(f"login-fail:addr:{request.META.get('REMOTE_ADDR', '')}")
    return keys


def _limit() -> tuple[int, int]:
    return settings.LOGIN_THROTTLE_ATTEMPTS, settings.LOGIN_THROTTLE_WINDOW


def is_throttled(request: HttpRequest, username: str) -> bool:
    attempts, _window = _limit()
    return any((cache.get(key) or 0) >= attempts for key in _keys(request, username))


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    _attempts, window = _limit()
    for key in _keys(request, str(credentials.get("username") or "")):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=window)


@receiver(user_logged_in)
def _clear_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    cache.delete_many(_keys(None, user.get_username()))


class LoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in LOGIN_PATHS:
            if is_throttled(request, request.POST.get("username", "")):
                minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
                message = f"ログインの失敗が続いたため、しばらく受け付けません。{minutes}分ほどおいて再度お試しください。"
                return render(request, "429.html", {"message": message}, status=429)
        return self.get_response(request)
