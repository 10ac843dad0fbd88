"""The hot path of release pages: the release, its briefing and the live state in one hand-written query.

A release page is served from stored rows (``releases.services.pages``); on
SQLite and PostgreSQL alike, building an ORM query costs more than running it,
so the two queries of a page are written once here as SQL (table and column
names from the models). Anything unusual (no stored live state yet, no stored
frame) falls back to the ORM paths of ``releases.services``; the results are
the same (``tests/releases/test_page_frame.py``).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from briefings.models import Briefing
from releases.models import LiveState, Release, ReleasePageFrame
from releases.selectors.history import MAX_NUMBER

_RELEASE = Release._meta.db_table
_BRIEFING = Briefing._meta.db_table
_LIVE = LiveState._meta.db_table
_FRAME = ReleasePageFrame._meta.db_table
_BRIEFING_FIELDS = ("id", "slug", "title")
_LOOKUP = (
    "SELECT " + ", ".join(f"r.{field.column}" for field in Release._meta.concrete_fields)
    + ", " + ", ".join(f"b.{name} AS b_{name}" for name in _BRIEFING_FIELDS)
    + ", s.latest_id AS s_latest, s.stamp AS s_stamp, s.pending AS s_pending, s.archived AS s_archived,"
    " s.computed_at AS s_computed_at,"
    f" (SELECT n.id FROM {_RELEASE} n WHERE n.briefing_id = r.briefing_id AND n.published_at <= %s"
    "  ORDER BY n.published_at DESC, n.number DESC LIMIT 1) AS latest_now"
    f" FROM {_RELEASE} r JOIN {_BRIEFING} b ON b.id = r.briefing_id"
    f" LEFT JOIN {_LIVE} s ON s.briefing_id = r.briefing_id AND s.valid_until > %s"
    " WHERE b.slug = %s AND r.published_at <= %s{number}"
    " ORDER BY r.published_at DESC, r.number DESC LIMIT 1"
)


def release_for_page(
    *, slug: str, number: int | None = None, moment: dt.datetime | None = None,
) -> tuple[Release, LiveState | None] | None:
    """The public release ``number`` (else the one in force at ``moment``, else the latest) and the live state.

    One query. The release comes with its briefing (slug and title loaded);
    the live state is None when none is stored, it has expired, or a release
    has become public since it was computed (the caller computes it again:
    ``releases.services.live.live_state``). None when there is no
    such public release: the caller takes the long way for the message.
    """
    if number is not None and not 0 < number <= MAX_NUMBER:
        return None
    now = timezone.now()
    until = min(moment, now) if moment is not None else now
    params: list[Any] = [_db_datetime(now), _db_datetime(now), slug, _db_datetime(until)]
    sql = _LOOKUP.format(number=" AND r.number = %s" if number is not None else "")
    if number is not None:
        params.append(number)
    release = next(iter(Release.objects.raw(sql, params)), None)
    if release is None:
        return None
    release.briefing = Briefing.from_db(
        connection.alias, list(_BRIEFING_FIELDS), [getattr(release, f"b_{name}") for name in _BRIEFING_FIELDS]
    )
    if release.s_stamp is None or release.s_latest != release.latest_now:  # none, or a publication since
        return release, None
    state = LiveState(
        briefing_id=release.briefing_id, stamp=release.s_stamp, pending=_json(release.s_pending),
        archived=_json(release.s_archived), computed_at=_aware(release.s_computed_at),
    )
    state.latest = release if release.s_latest == release.pk else _latest(release.s_latest, release.briefing)
    return release, state


def frame_of(*, release_id: int, version: str) -> tuple[str, dict[str, Any]] | None:
    """The stored page frame of a release for ``version`` and its page meta, or None."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT html, meta FROM {_FRAME} WHERE release_id = %s AND version = %s", [release_id, version])
        row = cursor.fetchone()
    return (row[0], _json(row[1])) if row is not None else None


def _latest(pk: int, briefing: Briefing) -> Release:
    columns = ", ".join(field.column for field in Release._meta.concrete_fields)
    release = next(iter(Release.objects.raw(f"SELECT {columns} FROM {_RELEASE} WHERE id = %s", [pk])))
    release.briefing = briefing
    return release


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _aware(value: Any) -> dt.datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(moment, dt.timezone.utc) if timezone.is_naive(moment) else moment
