"""The product's own 404/500 pages even with ``DEBUG=1`` (the demo), technical detail in the log.

With ``DEBUG`` on, Django answers a missing page or an exception with its
technical pages, which show settings and code to whoever mistyped a URL.
``ProductErrorPagesMiddleware`` (installed last, only while ``DEBUG`` is on
and ``DEBUG_TECHNICAL_PAGES`` is off) serves the pages of ``handler404`` and
``handler500`` instead, as production does, and logs the traceback.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, get_urlconf, resolve

logger = logging.getLogger("django.request")


class ProductErrorPagesMiddleware:
    """Answer unknown URLs, ``Http404`` and unhandled exceptions with the product's pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            resolve(request.path_info, get_urlconf())
        except Resolver404 as exc:
            # Django resolves before any view runs, so no process_exception sees this one.
            return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return self._not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django's 403 page is not a technical page
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"status_code": 500})
        response = get_resolver(get_urlconf()).resolve_error_handler(500)(request)
        response._has_been_logged = True  # type: ignore[attr-defined]  # the traceback is logged just above
        return response

    @staticmethod
    def _not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
        return get_resolver(get_urlconf()).resolve_error_handler(404)(request, exception)  # type: ignore[no-any-return]
