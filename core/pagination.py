"""Pagination of API lists over tables that grow without bound (claims, revisions, releases).

``PageNumberPagination`` (the default) counts the whole filtered table on every
page and walks ``OFFSET`` rows to reach a deep one; both grow with the history.
``KeysetPagination`` is DRF's cursor pagination: each page is an index seek
after the last row of the previous one, with no ``COUNT(*)``. Its answer is
``{"next", "previous", "results"}``: no ``count`` (an exact one is what costs),
and ``next`` is an opaque URL to follow. A client still sending ``?page=`` would
get the first page again and again, so that is a 400 naming ``cursor``.
"""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView


class KeysetPagination(CursorPagination):
    """Cursor pagination, 50 a page; subclasses set ``ordering`` (an indexed, stable order)."""

    page_size = 50
    example_path = "/api/claims/"
    """The list's path, for the schema's examples of ``next`` and ``previous``."""
    cursor_query_description = "The page to fetch: the `next` or `previous` URL of the page before (opaque)."

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: APIView | None = None) -> Any:
        if "page" in request.query_params:
            raise ValidationError({"page": [
                "この一覧は page ではなく cursor でページを送ります。前の応答の next の URL をそのまま使ってください。"
            ]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's, with examples that are URIs (its ``next`` example ends in a stray quote, which Spectral rejects)."""
        response = super().get_paginated_response_schema(schema)
        for name, cursor in (("next", "cD00ODY%3D"), ("previous", "cj0xJnA9NDg3")):
            response["properties"][name]["example"] = (
                f"https://briefings.example.org{self.example_path}?{self.cursor_query_param}={cursor}"
            )
        return response
