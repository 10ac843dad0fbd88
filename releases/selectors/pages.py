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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

try:  # the PostgreSQL driver: absent where only SQLite is used
    import psycopg
except ImportError:  # pragma: no cover - psycopg is in requirements.txt
    psycopg = None
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from briefings.models import Briefing
from releases.models import LiveState, Release, ReleasePageFrame
from releases.selectors.history import MAX_NUMBER, Neighbours

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
    "  ORDER BY n.published_at DESC, n.number DESC LIMIT 1) AS latest_now,"
    # Numbers follow publication order (a release is never dated before the one before it), so the
    # neighbours of a public release are the numbers around it: the next one only once it is public.
    f" (SELECT p.id FROM {_RELEASE} p WHERE p.briefing_id = r.briefing_id AND p.number = r.number - 1) AS p_id,"
    f" (SELECT p.published_at FROM {_RELEASE} p WHERE p.briefing_id = r.briefing_id AND p.number = r.number - 1)"
    "  AS p_at,"
    f" (SELECT n.id FROM {_RELEASE} n WHERE n.briefing_id = r.briefing_id AND n.number = r.number + 1"
    "  AND n.published_at <= %s) AS n_id,"
    f" (SELECT n.published_at FROM {_RELEASE} n WHERE n.briefing_id = r.briefing_id AND n.number = r.number + 1)"
    "  AS n_at,"
    f" (SELECT f.id FROM {_RELEASE} f WHERE f.briefing_id = r.briefing_id AND f.number = 1) AS f_id,"
    f" (SELECT f.published_at FROM {_RELEASE} f WHERE f.briefing_id = r.briefing_id AND f.number = 1) AS f_at,"
    " l.number AS l_number, l.published_at AS l_at, l.information_as_of AS l_asof,"
    " fr.html AS fr_html, fr.meta AS fr_meta"
    f" FROM {_RELEASE} r JOIN {_BRIEFING} b ON b.id = r.briefing_id"
    f" LEFT JOIN {_LIVE} s ON s.briefing_id = r.briefing_id AND s.valid_until > %s"
    f" LEFT JOIN {_RELEASE} l ON l.id = s.latest_id"
    f" LEFT JOIN {_FRAME} fr ON fr.release_id = r.id AND fr.version = %s"
    " WHERE b.slug = %s AND r.published_at <= %s{number}"
    " ORDER BY r.published_at DESC, r.number DESC LIMIT 1"
)

_LOOKUP_BY_NUMBER = _LOOKUP.format(number=" AND r.number = %s")
_LOOKUP_LATEST = _LOOKUP.format(number="")
_COLUMNS = [
    *(field.column for field in Release._meta.concrete_fields), *(f"b_{name}" for name in _BRIEFING_FIELDS),
    "s_latest", "s_stamp", "s_pending", "s_archived", "s_computed_at", "latest_now", "p_id", "p_at", "n_id", "n_at",
    "f_id", "f_at", "l_number", "l_at", "l_asof", "fr_html", "fr_meta",
]
"""The lookup's columns in order (a plain cursor: ``Manager.raw`` cost more than the query)."""
_RELEASE_NAMES = [field.attname for field in Release._meta.concrete_fields]


def _converter(field: models.Field) -> Callable[[Any], Any]:
    """What turns a column of ``field`` as the database driver gives it into the model's value."""
    if isinstance(field, models.DateTimeField):
        return lambda value: None if value is None else _aware(value)
    if isinstance(field, models.DateField):
        return lambda value: dt.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(field, models.JSONField):
        return _json
    return lambda value: value



@dataclass(frozen=True)
class PageLookup:
    release: Release
    state: LiveState | None
    """None when none is stored, it has expired, or a release has become public since it was computed."""
    around: Neighbours | None
    """The releases around it (None with ``state``: ask ``history.neighbours_of``)."""
    frame: tuple[str, dict[str, Any]] | None = None
    """The release's stored page frame of the version asked for, and its page meta (None: not stored)."""


def release_for_page(
    *, slug: str, frame_version: str, number: int | None = None, moment: dt.datetime | None = None,
) -> PageLookup | None:
    """The public release ``number`` (else the one in force at ``moment``, else the latest), its live state,
    its neighbours and its stored page frame of ``frame_version``.

    One query. The release comes with its briefing (slug and title loaded),
    the newest and neighbouring releases with what pages and Memento headers
    show of them (number and publication time; their other fields load on
    access). No live state when none is stored, it has expired, or a release
    has become public since it was computed: the caller computes it again
    (``releases.services.live.live_state_refresh``). None when there is no
    such public release: the caller takes the long way for the message.
    """
    if number is not None and not 0 < number <= MAX_NUMBER:
        return None
    now = timezone.now()
    until = min(moment, now) if moment is not None else now
    params: list[Any] = [_db_datetime(now), _db_datetime(now), _db_datetime(now), frame_version, slug,
                         _db_datetime(until)]
    if number is not None:
        params.append(number)
    with _lookup_cursor() as cursor:
        cursor.execute(_LOOKUP_BY_NUMBER if number is not None else _LOOKUP_LATEST, params)
        values = cursor.fetchone()
    if values is None:
        return None
    row = dict(zip(_COLUMNS, values, strict=True))
    release = Release.from_db(connection.alias, _RELEASE_NAMES, [
        convert(row[name]) for name, convert in zip(_RELEASE_NAMES, _RELEASE_CONVERTERS, strict=True)
    ])
    release.briefing = Briefing.from_db(
        connection.alias, list(_BRIEFING_FIELDS), [row[f"b_{name}"] for name in _BRIEFING_FIELDS]
    )
    frame = (row["fr_html"], _json(row["fr_meta"])) if row["fr_html"] is not None else None
    if row["s_stamp"] is None or row["s_latest"] != row["latest_now"]:  # none, or a publication since
        return PageLookup(release, None, None, frame)
    state = LiveState(
        briefing_id=release.briefing_id, stamp=row["s_stamp"], pending=_json(row["s_pending"]),
        archived=_json(row["s_archived"]), computed_at=_aware(row["s_computed_at"]),
    )
    state.latest = _other(release, row["s_latest"], row["l_number"], row["l_at"], cutoff=row["l_asof"])
    around = Neighbours(
        first=_other(release, row["f_id"], 1, row["f_at"]) if row["f_id"] else release,
        previous=_other(release, row["p_id"], release.number - 1, row["p_at"]) if row["p_id"] else None,
        next=_other(release, row["n_id"], release.number + 1, row["n_at"]) if row["n_id"] else None,
        last=state.latest,
    )
    return PageLookup(release, state, around, frame)


def _lookup_cursor() -> Any:
    """A cursor for the lookup: on PostgreSQL a prepared statement, planned once per connection.

    Planning the lookup's subqueries cost PostgreSQL more than running them
    (0.5 ms against 0.2 ms). Django binds parameters on the client, which
    never prepares; this one statement is bound on the server and prepared,
    through Django's cursor wrapper all the same (errors, query logging and
    execute wrappers as for any query). Off when the connection does not allow
    prepared statements (``DB_PREPARED_STATEMENTS=0``: a PgBouncer in
    transaction mode before 1.21).
    """
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor != "postgresql" or getattr(raw, "prepare_threshold", None) is None:
        return connection.cursor()
    return connection._prepare_cursor(_PreparedCursor(raw))  # noqa: SLF001 - Django's wrapper for a cursor it did not make


def frame_of(*, release_id: int, version: str) -> tuple[str, dict[str, Any]] | None:
    """The stored page frame of a release for ``version`` and its page meta, or None."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT html, meta FROM {_FRAME} WHERE release_id = %s AND version = %s", [release_id, version])
        row = cursor.fetchone()
    return (row[0], _json(row[1])) if row is not None else None


def _other(release: Release, pk: int, number: int, published_at: Any, *, cutoff: Any = None) -> Release:
    """``release`` itself, or another release of its briefing with its number and time (the rest on access)."""
    if pk == release.pk:
        return release
    names, values = ["id", "briefing_id", "number", "published_at"], [pk, release.briefing_id, number, _aware(published_at)]
    if cutoff is not None:
        names.append("information_as_of")
        values.append(dt.date.fromisoformat(cutoff) if isinstance(cutoff, str) else cutoff)
    other = Release.from_db(connection.alias, names, values)
    other.briefing = release.briefing
    return other


if psycopg is not None:
    class _PreparedCursor(psycopg.Cursor):  # type: ignore[type-arg,misc]
        """A server-side binding cursor whose statements are prepared at their first execution."""

        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None,
                    ) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _aware(value: Any) -> dt.datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(moment, dt.timezone.utc) if timezone.is_naive(moment) else moment


_RELEASE_CONVERTERS = [_converter(field) for field in Release._meta.concrete_fields]
