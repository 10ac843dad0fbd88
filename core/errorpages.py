"""Error responses readers and clients can act on: Japanese pages, RFC 9457 problems under ``/api/``.

* ``handler400``: a malformed request (413 when the body is over the limit).
* ``handler500``: an unexpected error; **503 with ``Retry-After``** when the
  cause is the database being unreachable (connection refused, dropped, pool
  exhausted), so clients and proxies retry instead of reporting a bug.
* ``ProductErrorPagesMiddleware``: with ``DEBUG`` on (the demo), Django would
  answer a missing page or an exception with its technical pages, which show
  settings and code to whoever mistyped a URL; installed last, only while
  ``DEBUG`` is on and ``DEBUG_TECHNICAL_PAGES`` is off, it serves the pages of
  ``handler404`` and ``handler500`` instead, as production does, and logs the traceback.

Nothing here touches the database, the session or the user: an error page
must render while those are down. Templates are rendered without a request
context for the same reason.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver, get_urlconf, resolve

from core.problems import FieldError, problem, problem_response, summary

logger = logging.getLogger("django.request")

# What "the database cannot be reached" looks like once Django has wrapped the driver's error.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

_TEMPLATES = {413: "413.html", 500: "500.html", 503: "503.html"}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Answer an unknown path under ``/api/`` (``handler404``) with a 404 problem document."""
    return problem_response(404, problem(404, f"{request.path} は存在しません。", code="not_found"))


def error_response(
    request: HttpRequest, status: int, message: str, *, field: str | None = None, label: str = "", code: str | None = None
) -> HttpResponse:
    """Return a ``status`` response carrying ``message``: a problem document under ``/api/``, else a Japanese page.

    Under ``/api/`` the body is RFC 9457 ``application/problem+json``
    (``core.problems``) of the type ``code`` (else the status's own); with
    ``field`` it is a validation problem whose ``errors`` names that field.
    The page says ``label: message`` (``label`` names the field for a person).
    """
    if is_api(request):
        if field:
            errors: list[FieldError] = [{"field": field, "message": message, "code": "invalid"}]
            body = problem(status, summary(errors), code="validation_error", errors=errors)
        else:
            body = problem(status, message, code=code)
        response = problem_response(status, body)
    else:
        text = f"{label}: {message}" if label else message
        html = render_to_string(_TEMPLATES.get(status, "400.html"), {"message": text, "status": status})
        response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's ``handler400``: 413 for a body over the limit, 400 otherwise."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(request, 413, f"送信された本文が大きすぎます（上限{limit:,}バイト）。")
    return error_response(request, 400, "リクエストを処理できませんでした。URLや入力内容をご確認ください。")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``: 503 with ``Retry-After`` while the database is down, else 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return error_response(
            request, 503,
            "ただいまデータベースに接続できないため、このページを表示できません。しばらくしてから再度お試しください。",
        )
    return error_response(request, 500, "申し訳ありません。サーバーでエラーが発生しました。時間をおいて再度お試しください。")


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
