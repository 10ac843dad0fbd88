"""The product's canonical origin: absolute URLs never come from a request's Host."""
from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def absolute_url(path: str) -> str:
    """Return ``path`` (``/briefings/…``) on the canonical origin ``SITE_URL``."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url needs a path starting with '/', got {path!r}")
    return f"{settings.SITE_URL}{path}"


def path_to(name: str, **kwargs: str | int) -> str:
    """``reverse(name, kwargs=kwargs)``, remembered per URLconf and script prefix.

    Pages the cache does not hold build the same few links on every request
    (navigation, Memento headers, citation files); resolving them once per
    process keeps the URL resolver off that path.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(urlconf, get_script_prefix(), name, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=8192)
def _reverse(urlconf: str, prefix: str, name: str, kwargs: tuple[tuple[str, str | int], ...]) -> str:
    return reverse(name, urlconf=urlconf, kwargs=dict(kwargs))  # ``prefix`` is in the key: reverse() uses it
