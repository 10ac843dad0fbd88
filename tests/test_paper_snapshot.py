"""The ``briefing`` fixture's restore gives a test the very rows a real import writes."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from briefings.models import SectionRevision
from briefings.services import revision_create_draft
from releases.caching import LIVE_GENERATION_KEY as GENERATION_KEY
from tests.conftest import SLUG
from tests.paper_snapshot import PaperSnapshot, _project_tables

TITLE = "2025年の国際情勢の概観と展望"


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        found = {}
        for table in _project_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            found[table] = cursor.fetchall()
        return found


def _empty_project_tables() -> None:
    # TRUNCATE fires no row triggers: the frozen rows go, inside this test's transaction only.
    tables = ", ".join(connection.ops.quote_name(t) for t in _project_tables())
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the deferred foreign keys now: none pending
        cursor.execute(f"TRUNCATE {tables}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.postgres
def test_a_restored_paper_is_the_imported_one_with_its_clock_times_moved_to_now(db, paper_text, editor):
    if connection.vendor != "postgresql":
        pytest.skip("the snapshot is restored with PostgreSQL's COPY")
    snapshot = PaperSnapshot()
    imported = snapshot.briefing(text=paper_text, slug=SLUG, title=TITLE)
    recorded = _rows()
    assert snapshot.restored == 0 and recorded["briefings_briefing"]
    _empty_project_tables()
    cache.clear()

    restored = snapshot.briefing(text=paper_text, slug=SLUG, title=TITLE)

    assert snapshot.restored == 1
    assert restored.pk == imported.pk
    again = _rows()
    shifts = set()
    for table, rows in recorded.items():
        assert len(again[table]) == len(rows), table
        for old, new in zip(rows, again[table], strict=True):
            for before, after in zip(old, new, strict=True):
                if before != after:  # only times taken from the clock, all moved by one amount
                    assert isinstance(before, dt.datetime), (table, before, after)
                    shifts.add(after - before)
    assert len(shifts) == 1 and shifts.pop() > dt.timedelta(0)
    assert cache.get(GENERATION_KEY) is not None  # saving sources made cached live states stale
    # the restored rows are as frozen as imported ones, and new rows get fresh ids
    revision = SectionRevision.objects.filter(section__briefing=restored).first()
    assert revision is not None and revision.status == "published"
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        # the frozen-history triggers are on again after the restore
        cursor.execute("UPDATE briefings_sectionrevision SET heading = 'x' WHERE id = %s", [revision.pk])
    draft_ids = max(row[0] for row in again["briefings_sectionrevision"])
    draft = revision_create_draft(section=revision.section, actor=editor)
    assert draft.pk > draft_ids


@pytest.mark.postgres
def test_tables_already_holding_rows_get_a_real_import(db, paper_text):
    if connection.vendor != "postgresql":
        pytest.skip("the snapshot is restored with PostgreSQL's COPY")
    snapshot = PaperSnapshot()
    snapshot.briefing(text=paper_text, slug="first", title=TITLE)
    snapshot.briefing(text=paper_text, slug="second", title=TITLE)  # the sources of "first" are there: imports
    assert snapshot.restored == 0


@pytest.mark.postgres
def test_a_test_with_other_settings_gets_an_import_made_under_them(db, paper_text, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the snapshot is restored with PostgreSQL's COPY")
    snapshot = PaperSnapshot()
    snapshot.briefing(text=paper_text, slug=SLUG, title=TITLE)
    _empty_project_tables()
    settings.SITE_URL = "https://elsewhere.example.org"
    snapshot.briefing(text=paper_text, slug=SLUG, title=TITLE)
    assert snapshot.restored == 0  # imported, and recorded for these settings
    _empty_project_tables()
    snapshot.briefing(text=paper_text, slug=SLUG, title=TITLE)
    assert snapshot.restored == 1
