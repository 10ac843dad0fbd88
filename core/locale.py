"""One language for every response: Japanese, whatever the browser asks for.

The content, the reader pages, the admin and the API messages are Japanese
(``LANGUAGE_CODE``); an English browser gets the same Japanese admin as
everyone else. Nothing is negotiated, so no response varies on
``Accept-Language`` and shared caches are not split by the readers' browsers.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class FixedLocaleMiddleware:
    """Activate ``LANGUAGE_CODE`` for every request and say so in ``Content-Language``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response
