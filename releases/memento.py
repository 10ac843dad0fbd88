"""Memento (RFC 7089): datetime negotiation for briefings, Memento headers, TimeMaps.

* ``/briefings/<slug>/`` is the Original Resource and its own TimeGate (the
  RFC's pattern 1.1): with ``Accept-Datetime`` it answers 302 to the release in
  force at that instant, otherwise the latest release; either way with
  ``Vary: accept-datetime``.
* Each release page and as-of page is a Memento: ``Memento-Datetime`` (the
  release's publication time) and ``Link`` to the original, the TimeGate, the
  TimeMaps and the first/last/prev/next mementos.
* ``/briefings/<slug>/timemap/`` lists the public releases
  (``application/link-format``), paged: the newest ``TIMEMAP_PAGE`` release
  numbers at that URI, older pages at ``?from_release=<n>``, each linked from
  its neighbours with ``rel="timemap"`` and their ``from``/``until``;
  ``…/timemap/json/`` the same as JSON in the format of the Memento
  aggregator's API (``pages.prev``/``pages.next``).

Every URI is absolute on ``SITE_URL`` (``core.site``), never the request's Host.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.http import http_date, parse_http_date

from core.site import absolute_url, path_to
from releases.models import Release
from releases.selectors.history import Neighbours, TimeMapPage

ACCEPT_DATETIME_HELP = (
    "Accept-Datetime は RFC 1123 形式の日時で指定してください（例：Accept-Datetime: Mon, 10 Mar 2025 08:00:00 GMT）。"
)


class MalformedAcceptDatetime(ValueError):
    """The request's Accept-Datetime is not an HTTP-date (RFC 7089 §2.1.1: the TimeGate answers 400)."""


def parse_accept_datetime(value: str) -> dt.datetime:
    """The instant an ``Accept-Datetime`` header asks for: the last microsecond of the second it names.

    HTTP-dates have whole seconds; a release published at 17:00:00.5 is what a
    client that read ``Memento-Datetime: … 17:00:00 GMT`` asks for, so the
    whole second counts. Raises ``MalformedAcceptDatetime``.
    """
    try:
        seconds = parse_http_date(value.strip())
    except ValueError as exc:
        raise MalformedAcceptDatetime(value) from exc
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC) + dt.timedelta(microseconds=999_999)


def memento_datetime(release: Release) -> str:
    return http_date(release.published_at.timestamp())


def original_url(slug: str) -> str:
    return absolute_url(path_to("releases:latest", slug=slug))


def memento_url(slug: str, number: int) -> str:
    return absolute_url(path_to("releases:release", slug=slug, number=number))


def timemap_url(slug: str, *, json: bool = False) -> str:
    return absolute_url(path_to("releases:timemap_json" if json else "releases:timemap", slug=slug))


def _base_links(slug: str) -> list[str]:
    return [
        f'<{original_url(slug)}>; rel="original timegate"',
        f'<{timemap_url(slug)}>; rel="timemap"; type="application/link-format"',
        f'<{timemap_url(slug, json=True)}>; rel="timemap"; type="application/json"',
    ]


def link_header(slug: str, around: Neighbours, *, selected: Release | None = None) -> str:
    """The ``Link`` header of a Memento (or of the TimeGate's redirect to ``selected``).

    One entry per memento URI, its relations together (``rel="first prev memento"``).
    """
    rels: dict[int, tuple[Release, list[str]]] = {}
    for name, release in (("first", around.first), ("prev", around.previous), ("next", around.next),
                          ("last", around.last), ("", selected)):
        if release is None:
            continue
        entry = rels.setdefault(release.number, (release, []))
        if name:
            entry[1].append(name)
    links = _base_links(slug)
    for number, (release, names) in sorted(rels.items()):
        rel = " ".join([*names, "memento"])
        links.append(f'<{memento_url(slug, number)}>; rel="{rel}"; datetime="{memento_datetime(release)}"')
    return ", ".join(links)


def original_link_header(slug: str, first: Release, last: Release) -> str:
    """The ``Link`` header of the Original Resource (also its TimeGate) answering without negotiation."""
    links = _base_links(slug)
    for name, release in (("first", first), ("last", last)):
        if first.pk == last.pk and name == "last":
            break
        both = "first last" if first.pk == last.pk else name
        links.append(f'<{memento_url(slug, release.number)}>; rel="{both} memento"; '
                     f'datetime="{memento_datetime(release)}"')
    return ", ".join(links)


TIMEMAP_PAGE = 100
"""Release numbers per TimeMap page: pages are fixed ranges of numbers, so a full page never changes."""


@dataclass(frozen=True)
class TimeMapEntry:
    number: int
    url: str
    datetime: str
    iso: str
    rel: str
    published: dt.datetime


@dataclass(frozen=True)
class TimeMapLink:
    """Another page of a paged TimeMap, with the datetimes of its first and last mementos."""

    start: int | None
    """Its first release number; None for the newest page (the TimeMap's own URI)."""
    start_datetime: dt.datetime
    end_datetime: dt.datetime


@dataclass(frozen=True)
class TimeMap:
    """One page of a briefing's TimeMap, ready to write as link-format or JSON."""

    slug: str
    start: int | None
    """The page's first release number; None for the newest page, whose URI is the TimeMap's own."""
    entries: list[TimeMapEntry]
    first: TimeMapEntry | None
    last: TimeMapEntry | None
    previous: TimeMapLink | None
    next: TimeMapLink | None


def timemap_of(slug: str, page: TimeMapPage) -> TimeMap:
    """The TimeMap page of ``page``'s rows, each page (and its links) under one URI.

    Each entry costs two string formats: the memento URIs share one prefix
    (one ``reverse``), so a page of ``TIMEMAP_PAGE`` entries stays cheap.
    """
    prefix, suffix = memento_url(slug, 0).rsplit("/0/", 1)
    first_number = page.first[0] if page.first else None
    last_number = page.last[0] if page.last else None

    def entry(number: int, published: dt.datetime) -> TimeMapEntry:
        names = [name for name, edge in (("first", first_number), ("last", last_number)) if number == edge]
        return TimeMapEntry(number, f"{prefix}/{number}/{suffix}", http_date(published.timestamp()),
                            _iso(published), " ".join([*names, "memento"]), published)

    def link(rows: list[tuple[int, dt.datetime]], start: int) -> TimeMapLink | None:
        return TimeMapLink(canonical(start), rows[0][1], rows[-1][1]) if rows else None

    def canonical(start: int) -> int | None:  # the newest page is the TimeMap's own URI, however it was asked for
        return None if last_number is None or start + page.size > last_number else start

    return TimeMap(
        slug=slug, start=canonical(page.start),
        entries=[entry(number, published) for number, published in page.rows],
        first=entry(*page.first) if page.first else None, last=entry(*page.last) if page.last else None,
        previous=link(page.before, max(1, page.start - page.size)), next=link(page.after, page.start + page.size),
    )


def timemap_page_url(slug: str, start: int | None, *, json: bool = False) -> str:
    url = timemap_url(slug, json=json)
    return url if start is None else f"{url}?from_release={start}"


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f'from="{http_date(start.timestamp())}";until="{http_date(end.timestamp())}"'


def timemap_link_format(timemap: TimeMap) -> str:
    """The TimeMap page in ``application/link-format`` (RFC 6690), as RFC 7089 §5 shows it.

    A paged TimeMap links to its neighbouring pages with ``rel="timemap"`` and
    their ``from``/``until`` (the Memento convention for paged TimeMaps), and
    gives its own range on ``rel="self"``.
    """
    slug = timemap.slug
    own = (";" + _span(timemap.entries[0].published, timemap.entries[-1].published)) if timemap.entries else ""
    lines = [
        f'<{original_url(slug)}>;rel="original"',
        f'<{original_url(slug)}>;rel="timegate"',
        f'<{timemap_page_url(slug, timemap.start)}>;rel="self";type="application/link-format"{own}',
        f'<{timemap_page_url(slug, timemap.start, json=True)}>;rel="timemap";type="application/json"{own}',
    ]
    for other in (timemap.previous, timemap.next):
        if other is not None:
            lines.append(f'<{timemap_page_url(slug, other.start)}>;rel="timemap";type="application/link-format";'
                         + _span(other.start_datetime, other.end_datetime))
    lines.extend(f'<{entry.url}>;rel="{entry.rel}";datetime="{entry.datetime}"' for entry in timemap.entries)
    return ",\n".join(lines) + "\n"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def timemap_json(timemap: TimeMap) -> dict[str, object]:
    """The TimeMap page as JSON, in the shape of the Memento aggregator's API (``mementos.list``).

    ``mementos.first``/``last`` are the whole history's; ``pages.prev``/``next``
    (present when there are such pages) give the neighbouring pages' URIs and ranges.
    """
    slug = timemap.slug

    def listed(entry: TimeMapEntry) -> dict[str, object]:
        return {"datetime": entry.iso, "uri": entry.url, "release": entry.number}

    def page(other: TimeMapLink) -> dict[str, str]:
        return {"uri": timemap_page_url(slug, other.start, json=True),
                "from": _iso(other.start_datetime), "until": _iso(other.end_datetime)}

    pages = {name: page(other) for name, other in (("prev", timemap.previous), ("next", timemap.next)) if other}
    return {
        "original_uri": original_url(slug),
        "timegate_uri": original_url(slug),
        "timemap_uri": {"link_format": timemap_page_url(slug, timemap.start),
                        "json_format": timemap_page_url(slug, timemap.start, json=True)},
        "mementos": {
            "first": listed(timemap.first) if timemap.first else None,
            "last": listed(timemap.last) if timemap.last else None,
            "list": [listed(entry) for entry in timemap.entries],
        },
        **({"pages": pages} if pages else {}),
    }
