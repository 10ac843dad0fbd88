"""The client's address behind reverse proxies (nginx, Varnish, a load balancer).

Behind a proxy every request comes from the proxy's address, so login
throttling (``core.throttling``) would lock out everybody at once after a few
failures of one person, and the logs would name the proxy. When the direct
peer is one of ``TRUSTED_PROXIES``, ``REMOTE_ADDR`` becomes the right-most
address of ``X-Forwarded-For`` that is not itself a trusted proxy: addresses
further left were written by the client and are not believed. Without
``TRUSTED_PROXIES`` nothing changes.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(*, remote_addr: str, forwarded_for: str, trusted: frozenset[str]) -> str:
    """Return the client's address given the peer, its ``X-Forwarded-For`` and the trusted proxies."""
    if remote_addr not in trusted or not forwarded_for:
        return remote_addr
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return remote_addr  # a malformed hop: believe nothing further left
        if address not in trusted:
            return address
    return remote_addr


class ForwardedForMiddleware:
    """Set ``REMOTE_ADDR`` to the client's address when the request came through a trusted proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = frozenset(settings.TRUSTED_PROXIES)
        if trusted:
            request.META["REMOTE_ADDR"] = client_address(
                remote_addr=request.META.get("REMOTE_ADDR", ""),
                forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
                trusted=trusted,
            )
        return self.get_response(request)
