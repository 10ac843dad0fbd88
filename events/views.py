"""Reader timeline of events (``/events/``): filter by date range and tag."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.filters import EventFilter
from events.models import Tag
from events.selectors import event_list, section_labels

PAGE_SIZE = 50


def event_timeline(request: HttpRequest) -> HttpResponse:
    """Events oldest first, each with its precision-aware date, sources and sections."""
    filters = EventFilter(request.GET, queryset=event_list(), request=request)
    if not filters.is_valid():
        return render(
            request, "events/timeline.html",
            {"filters": filters, "errors": filters.errors, "tags": Tag.objects.all(), "page": None},
            status=400,
        )
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    links = [link for event in page for link in event.links.all()]
    labels = section_labels({link.section_id for link in links})
    for link in links:
        link.label = labels.get(link.section_id, link.section.key)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/timeline.html",
        {"filters": filters, "page": page, "tags": Tag.objects.all(), "selected_tags": request.GET.getlist("tag"),
         "query": query.urlencode()},
    )
