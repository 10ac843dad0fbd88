"""Language negotiation only where the language can change the response.

Reader pages are Japanese whatever the browser asks for, so negotiating there
would only add ``Vary: Accept-Language`` and split every shared cache by the
readers' browser languages. The admin and the API speak the negotiated
language (Django's and DRF's messages), so they keep Django's middleware.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

NEGOTIATED_PREFIXES = ("/admin/", "/api/")


class NegotiatedLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` under ``NEGOTIATED_PREFIXES``; ``LANGUAGE_CODE`` elsewhere, with no Vary."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(NEGOTIATED_PREFIXES):
            super().process_request(request)
            return
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path_info.startswith(NEGOTIATED_PREFIXES):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response
