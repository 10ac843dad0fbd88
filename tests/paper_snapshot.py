"""The seed paper imported once per session, restored per test as the rows the import wrote.

About 700 tests start from the imported paper. Importing it (parsing 96 notes,
ingesting 57 sources, 22 revisions with their content, publishing and freezing
release 1) costs some 400 queries; restoring the rows it wrote costs one
``COPY`` per table. The first test that imports the paper into a pristine
database records what the import wrote (every table whose row count changed,
all of which were empty before); later tests in the same state get those rows
back, byte for byte, instead of importing again:

- the same primary keys (sequences are moved past them if they had been reset);
- timestamps the import took from the clock (``created_at``, ``frozen_at``,
  transition times…) shifted by the time elapsed since the recording ended, so
  they are as an import that has just finished leaves them (never in the future)
  and keep their order;
- what saving the sources does besides writing rows (``live_state_changed``: the stored live state
  dropped, its generation bumped), done once.

A recording is kept per set of settings in force (all of them but the per-test
``MEDIA_ROOT``): a test that overrides a setting before asking for the briefing
gets an import made under its settings.

The fast path is taken only where it cannot differ from a real import:
PostgreSQL, a test inside a transaction (``db``; a ``transactional_db`` test
commits, so its import's after-commit receivers must run: it imports), every
table of the project's apps empty (nothing the import reads or dedupes
against), and a database role that may insert frozen rows as they are (the
frozen-history triggers refuse that, so they are bypassed for the restore with
``session_replication_role = replica``, which needs a superuser, as the test
database's role is). Anywhere else the fixture imports the paper as before.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.functional import LazyObject

from briefings.models import Briefing
from briefings.services import briefing_import_paper
from releases.services.live import live_state_changed
from sources.models import Source

PROJECT_APPS = ("briefings", "releases", "sources", "events", "subscriptions", "core")


@dataclass(frozen=True)
class _Table:
    name: str
    data: bytes  # COPY ... TO STDOUT text format
    clock_columns: tuple[str, ...]
    sequence: str | None
    max_pk: int | None


@dataclass(frozen=True)
class _Recording:
    tables: tuple[_Table, ...]
    started: dt.datetime
    finished: dt.datetime
    source_saves: int


class PaperSnapshot:
    """Import the paper once; give later tests the same rows for a few ``COPY`` statements."""

    def __init__(self) -> None:
        self._recordings: dict[str, _Recording] = {}  # by the settings in force (see _settings_key)
        self._usable: bool | None = None  # None: not known yet (PostgreSQL superuser?)
        self.restored = 0

    def briefing(self, *, text: str, slug: str, title: str) -> Briefing:
        """The imported paper as briefing ``slug``: restored when that is exact, imported otherwise."""
        if not self._fast_path_possible():
            return self._import(text=text, slug=slug, title=title)
        key = _settings_key()
        if key not in self._recordings:
            return self._record(text=text, slug=slug, title=title, key=key)
        self._restore(self._recordings[key])
        self.restored += 1
        return Briefing.objects.get(slug=slug)

    def _import(self, *, text: str, slug: str, title: str) -> Briefing:
        return briefing_import_paper(text=text, slug=slug, title=title).briefing

    def _fast_path_possible(self) -> bool:
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return False
        if self._usable is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                row = cursor.fetchone()
            self._usable = bool(row and row[0])
        return self._usable and self._project_tables_empty()

    def _project_tables_empty(self) -> bool:
        tables = _project_tables()
        query = " UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {connection.ops.quote_name(t)} LIMIT 1) AS x"
                                   for t in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS ({query})")
            row = cursor.fetchone()
        return not (row and row[0])

    def _record(self, *, text: str, slug: str, title: str, key: str) -> Briefing:
        before = _row_counts()
        saves = 0

        def count_source_save(**kwargs: Any) -> None:
            nonlocal saves
            saves += 1

        post_save.connect(count_source_save, sender=Source, dispatch_uid="tests.paper_snapshot", weak=False)
        started = timezone.now()
        try:
            briefing = self._import(text=text, slug=slug, title=title)
        finally:
            post_save.disconnect(sender=Source, dispatch_uid="tests.paper_snapshot")
        finished = timezone.now()
        after = _row_counts()
        written = sorted(name for name, count in after.items() if count != before.get(name, 0))
        if any(before.get(name, 0) for name in written):  # not all new rows: restoring would not be exact
            self._usable = False
            return briefing
        self._recordings[key] = _Recording(
            tables=tuple(_dump(name) for name in written), started=started, finished=finished, source_saves=saves
        )
        return briefing

    def _restore(self, recording: _Recording) -> None:
        # as if the import had just finished: every clock time in the past, none after "now"
        shift = timezone.now() - recording.finished
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            raw = cursor.cursor  # psycopg's own cursor: COPY
            for table in recording.tables:
                with raw.copy(f"COPY {quote(table.name)} FROM STDIN") as copy:
                    copy.write(table.data)
                for column in table.clock_columns:
                    cursor.execute(
                        f"UPDATE {quote(table.name)} SET {quote(column)} = {quote(column)} + %s "
                        f"WHERE {quote(column)} BETWEEN %s AND %s",
                        [shift, recording.started, recording.finished],
                    )
            cursor.execute("SET LOCAL session_replication_role = origin")
            sequences = [t for t in recording.tables if t.sequence and t.max_pk is not None]
            if sequences:
                cursor.execute(
                    "SELECT " + ", ".join(
                        "setval(%s, GREATEST(%s, (SELECT last_value FROM " + t.sequence + ")))"  # type: ignore[operator]
                        for t in sequences
                    ),
                    [value for t in sequences for value in (t.sequence, t.max_pk)],
                )
        if recording.source_saves:  # what saving the sources did besides rows: the live state is stale
            live_state_changed()


def _settings_key() -> str:
    """The settings in force, but the per-test media folder: a test that overrides one imports anew."""
    return repr(sorted((name, _shown(getattr(settings, name))) for name in dir(settings)
                       if name.isupper() and name != "MEDIA_ROOT"))


def _shown(value: object) -> str:
    # A lazy object's repr changes once it is evaluated (axes' AXES_USERNAME_FORM_FIELD): show its value.
    return repr(str(value) if isinstance(value, LazyObject) else value)


def _project_tables() -> list[str]:
    return [
        model._meta.db_table
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def _row_counts() -> dict[str, int]:
    names = sorted(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(name)}" for name in names), names)
        return dict(cursor.fetchall())


def _dump(name: str) -> _Table:
    quote = connection.ops.quote_name
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(name)} TO STDOUT") as copy:
            for chunk in copy:
                buffer.write(chunk)
        model = _model_of(name)
        clock = tuple(
            field.column for field in (model._meta.local_fields if model else ())
            if isinstance(field, models.DateTimeField)
        )
        sequence = max_pk = None
        if model is not None and isinstance(model._meta.pk, models.AutoField):
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [name, model._meta.pk.column])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(name)}")
            max_pk = cursor.fetchone()[0]
    return _Table(name=name, data=buffer.getvalue(), clock_columns=clock, sequence=sequence, max_pk=max_pk)


def _model_of(table: str) -> type[models.Model] | None:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table and not model._meta.proxy:
            return model
    return None
