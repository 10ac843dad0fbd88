"""What a full page of each list costs against the same list with a one-entry page (issue 18).

At 1 release a list page has one entry; at 5,000 it has a full page. With
every query an index seek, what is left to grow is the work per entry, which
this measures directly: in one database, each list at its page size and at a
page size of 1, requests interleaved in pairs so that a busy machine weighs on
both alike. Run it like ``scripts/bench`` runs ``benchmarks.run`` (the same
environment: ``DJANGO_SETTINGS_MODULE=benchmarks.settings``, ``DATABASE_URL``
of an empty database)::

    python -m benchmarks.page_cost --releases 110 --runs 31
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import django

django.setup()

from django.core.cache import cache  # noqa: E402  (after django.setup(), as a script)
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.run import SLUG, History  # noqa: E402
from briefings.api.catalog import RevisionPagination  # noqa: E402
from releases import feeds, memento, views  # noqa: E402
from releases.api.views import ReleasePagination  # noqa: E402


def lists(history: History) -> list[tuple[str, str, Any, str]]:
    """(name, URL, owner, attribute): each list and where its page size is set."""
    base = f"/briefings/{SLUG}"
    section = history.templates[len(history.templates) // 2].section.key
    return [
        ("release list", f"{base}/releases/", views, "RELEASE_LIST_PAGE"),
        ("section history", f"{base}/sections/{section}/history/", views, "HISTORY_PAGE"),
        ("Atom feed", f"{base}/feed/", feeds, "FEED_SIZE"),
        ("TimeMap (first page)", f"{base}/timemap/?from_release=1", memento, "TIMEMAP_PAGE"),
        ("TimeMap JSON (first page)", f"{base}/timemap/json/?from_release=1", memento, "TIMEMAP_PAGE"),
        ("release list API", f"/api/releases/?briefing={SLUG}", ReleasePagination, "page_size"),
        ("revision list API", f"/api/revisions/?briefing={SLUG}", RevisionPagination, "page_size"),
    ]


def _once(client: Client, url: str) -> tuple[float, int]:
    cache.clear()
    began = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.content)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=110, help="releases to build (a TimeMap page is 100)")
    parser.add_argument("--runs", type=int, default=31, help="pairs of requests per list")
    args = parser.parse_args()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    history = History()
    history.grow_to(args.releases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    lines = [
        f"{args.releases} releases, {args.runs} pairs: each list's full page against a one-entry page, interleaved",
        "",
        "| list | full page p50 / p95 (ms) | bytes | one entry p50 / p95 (ms) | bytes | p50 | p95 | pair ratios |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, url, owner, attribute in lists(history):
        size = getattr(owner, attribute)
        full: list[float] = []
        one: list[float] = []
        for run in range(args.runs + 2):  # two warm-up pairs
            setattr(owner, attribute, size)
            full_ms, full_bytes = _once(client, url)
            setattr(owner, attribute, 1)
            one_ms, one_bytes = _once(client, url)
            if run >= 2:
                full.append(full_ms)
                one.append(one_ms)
        setattr(owner, attribute, size)
        pairs = statistics.median(a / b for a, b in zip(full, one, strict=True))
        lines.append(
            f"| {name} | {statistics.median(full):.2f} / {_p95(full):.2f} | {full_bytes:,} | "
            f"{statistics.median(one):.2f} / {_p95(one):.2f} | {one_bytes:,} | "
            f"{statistics.median(full) / statistics.median(one):.2f}× | {_p95(full) / _p95(one):.2f}× | {pairs:.2f}× |"
        )
    print("\n".join(lines))  # noqa: T201  (a command-line report)


if __name__ == "__main__":
    main()
