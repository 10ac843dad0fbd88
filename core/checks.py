"""System checks of the product's own settings (run by ``manage.py check``)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=False)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """SITE_URL must be an http(s) origin; without DEBUG it is required."""
    value = getattr(settings, "SITE_URL", "")
    if not value:
        if settings.DEBUG:
            return []
        return [Error(
            "SITE_URL is not set.",
            hint="Set SITE_URL to the public origin, e.g. https://briefings.example.org: absolute URLs in "
                 "PDFs, feeds, citations and emails are built from it, never from the request's Host header.",
            id="core.E001",
        )]
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path not in ("", "/"):
        return [Error(
            f"SITE_URL {value!r} is not an origin.",
            hint="Use scheme and host only, e.g. https://briefings.example.org (no path).",
            id="core.E002",
        )]
    return []


@register(Tags.security, deploy=True)
def check_link_checker_stays_public(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The link checker's loopback exception is for tests; in production it would let sources probe the host."""
    if getattr(settings, "LINK_CHECK_ALLOW_LOOPBACK", False):
        return [Warning(
            "LINK_CHECK_ALLOW_LOOPBACK is on.",
            hint="The link checker may then fetch 127.0.0.1 and ::1 (services on this machine). Unset it outside tests.",
            id="core.W001",
        )]
    return []
