"""Reader pages of the shared foundations: what the API's problem types mean."""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.problems import PROBLEM_TYPES


def problem_types(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Describe every problem type (``/problems/``) or one (``/problems/<code>``), so ``type`` URIs resolve."""
    if slug is None:
        return render(request, "core/problem_types.html", {"kinds": list(PROBLEM_TYPES.values()), "only": None})
    kind = PROBLEM_TYPES.get(slug)
    if kind is None:
        raise Http404(f"エラーの種類「{slug}」はありません。")
    return render(request, "core/problem_types.html", {"kinds": [kind], "only": kind})
