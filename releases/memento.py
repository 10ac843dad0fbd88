"""Memento (RFC 7089): datetime negotiation for briefings, Memento headers, TimeMaps.

* ``/briefings/<slug>/`` is the Original Resource and its own TimeGate (the
  RFC's pattern 1.1): with ``Accept-Datetime`` it answers 302 to the release in
  force at that instant, otherwise the latest release; either way with
  ``Vary: accept-datetime``.
* Each release page and as-of page is a Memento: ``Memento-Datetime`` (the
  release's publication time) and ``Link`` to the original, the TimeGate, the
  TimeMaps and the first/last/prev/next mementos.
* ``/briefings/<slug>/timemap/`` lists every public release
  (``application/link-format``); ``…/timemap/json/`` the same as JSON in the
  format of the Memento aggregator's API.

Every URI is absolute on ``SITE_URL`` (``core.site``), never the request's Host.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.http import http_date, parse_http_date

from core.site import absolute_url, path_to
from releases.models import Release
from releases.selectors.history import Neighbours

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


@dataclass(frozen=True)
class TimeMapEntry:
    number: int
    url: str
    datetime: str
    iso: str


def timemap_entries(slug: str, releases: list[Release]) -> list[TimeMapEntry]:
    """Every public release, oldest first."""
    return [
        TimeMapEntry(release.number, memento_url(slug, release.number), memento_datetime(release),
                     release.published_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        for release in sorted(releases, key=lambda r: r.number)
    ]


def timemap_link_format(slug: str, entries: list[TimeMapEntry]) -> str:
    """The TimeMap in ``application/link-format`` (RFC 6690), as RFC 7089 §5 shows it."""
    lines = [
        f'<{original_url(slug)}>;rel="original"',
        f'<{original_url(slug)}>;rel="timegate"',
        f'<{timemap_url(slug)}>;rel="self";type="application/link-format"'
        + (f';from="{entries[0].datetime}";until="{entries[-1].datetime}"' if entries else ""),
        f'<{timemap_url(slug, json=True)}>;rel="timemap";type="application/json"',
    ]
    for index, entry in enumerate(entries):
        names = [name for name, on in (("first", index == 0), ("last", index == len(entries) - 1)) if on]
        rel = " ".join([*names, "memento"])
        lines.append(f'<{entry.url}>;rel="{rel}";datetime="{entry.datetime}"')
    return ",\n".join(lines) + "\n"


def timemap_json(slug: str, entries: list[TimeMapEntry]) -> dict[str, object]:
    """The TimeMap as JSON, in the shape of the Memento aggregator's API (``mementos.list``)."""
    listed = [{"datetime": entry.iso, "uri": entry.url, "release": entry.number} for entry in entries]
    return {
        "original_uri": original_url(slug),
        "timegate_uri": original_url(slug),
        "timemap_uri": {"link_format": timemap_url(slug), "json_format": timemap_url(slug, json=True)},
        "mementos": {
            "first": listed[0] if listed else None,
            "last": listed[-1] if listed else None,
            "list": listed,
        },
    }
