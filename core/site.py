"""The product's canonical origin: absolute URLs never come from a request's Host."""
from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return ``path`` (``/briefings/…``) on the canonical origin ``SITE_URL``."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url needs a path starting with '/', got {path!r}")
    return f"{settings.SITE_URL}{path}"
