"""The floor view: the same Django stack returning one stored row of the size of a response.

It does the least a database-backed page can do: one indexed query for one row
(``StoredResponse``, filled by ``benchmarks.run`` with a response's bytes) and
an ``HttpResponse`` of its text. The uncached release page and snapshot are
compared with it (issue 12: at most 2x on PostgreSQL and SQLite).
"""
from django.http import Http404, HttpRequest, HttpResponse

from benchmarks.floor.models import StoredResponse


def floor(request: HttpRequest, name: str) -> HttpResponse:
    """Return the stored response ``name`` byte for byte."""
    row = StoredResponse.objects.filter(name=name).values_list("body", "content_type").first()
    if row is None:
        raise Http404(f"no stored response {name!r}")
    return HttpResponse(row[0].encode("utf-8"), content_type=row[1])
