"""The subscription form's rate limit: DRF's cache-backed counter, per client address, on a plain Django view."""
from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.throttling import client_ip


class SubscribeThrottle(SimpleRateThrottle):
    """At most ``DEFAULT_THROTTLE_RATES["subscribe"]`` sign-ups per client address (read when used)."""

    scope = "subscribe"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[no-any-return]

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
