"""The benchmark's bulk-built history is the history the services build, row for row.

``scripts/bench --scale`` publishes thousands of releases through
``benchmarks.bulk.publish_import_bulk`` (the workflow's rows in a few
statements, the release by the product's publisher) instead of the importer's
service ``revisions_publish_import``. Its numbers only mean something if the
rows are the same: here the paper grows by three releases once through the
service and once in bulk, from the same ids (the first build is rolled back and
the sequences put back), and every row of every table is compared. Only what
must differ is left out: the times rows were written (``auto_now`` and
``auto_now_add``) and the ids of the audit rows (the service writes them section
by section, the bulk path all at once; nothing refers to them).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction

from benchmarks.bulk import Drafts, publish_import_bulk
from briefings.models import Briefing, RevisionStatus, RevisionTransition, SectionRevision
from briefings.services.transitions import revisions_publish_import
from briefings.workflow import InvalidTransition
from core.dates import to_tokyo
from releases.models import Release

pytestmark = pytest.mark.django_db

ROUNDS = 3


def _start(briefing: Briefing) -> dt.datetime:
    """A moment after release 1 (imported now): each release must be dated after the one before."""
    return to_tokyo(briefing.releases.get(number=1).published_at) + dt.timedelta(seconds=1)


def _grow(briefing: Briefing, *, bulk: bool) -> None:
    drafts = Drafts(briefing=briefing)
    start = _start(briefing)
    for round_ in range(ROUNDS):
        when = start + dt.timedelta(seconds=round_)
        revisions = drafts.make(when=when, summary=f"第{round_ + 2}版の更新")
        publish = publish_import_bulk if bulk else _service
        publish(revisions=revisions, published_at=when, information_as_of=when.date(), summary=f"更新{round_ + 2}")


def _service(**kwargs: Any) -> None:
    revisions_publish_import(actor=None, **kwargs)


def _rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, without the write times; the audit rows without their ids, sorted."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        timestamps = [
            field.attname for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)
        ]
        rows = list(model._base_manager.order_by("pk").values())
        for row in rows:
            for name in timestamps:
                row.pop(name)
        if model is RevisionTransition:
            for row in rows:
                row.pop("id")
            rows.sort(key=repr)
        tables[model._meta.label] = rows
    return tables


def _sequences() -> list[tuple[str, int | None]]:
    """PostgreSQL's sequences and where they stand (SQLite rolls its own back with the transaction)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
        return list(cursor.fetchall())


def _restore(sequences: list[tuple[str, int | None]]) -> None:
    with connection.cursor() as cursor:
        for name, value in sequences:
            if value is None:
                cursor.execute("SELECT setval(%s, 1, false)", [name])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [name, value])


def test_a_bulk_built_history_equals_one_built_through_the_service_row_for_row(
    briefing: Briefing, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the paper as release 1, and where every id stands
    sequences = _sequences()
    # when it grows by three releases through the service (then rolled back, the ids put back) ...
    with transaction.atomic():
        _grow(briefing, bulk=False)
        by_service = _rows()
        transaction.set_rollback(True)
    _restore(sequences)
    # ... and by the same three releases in bulk
    _grow(briefing, bulk=True)
    in_bulk = _rows()
    # then every table holds the same rows
    assert Release.objects.filter(briefing=briefing).count() == 1 + ROUNDS
    assert len(by_service["briefings.RevisionTransition"]) > 0
    assert by_service.keys() == in_bulk.keys()
    different = [label for label in by_service if by_service[label] != in_bulk[label]]
    assert different == [], {label: (by_service[label][:2], in_bulk[label][:2]) for label in different}
    # and every release of the bulk-built history matches its digest and renders again the same
    call_command("verify_releases")
    assert f"{1 + ROUNDS} release(s) verified" in capsys.readouterr().out
    revisions = SectionRevision.objects.filter(section__briefing=briefing)
    assert revisions.filter(status=RevisionStatus.PUBLISHED).count() == briefing.sections.count()
    assert revisions.filter(status=RevisionStatus.SUPERSEDED).count() == briefing.sections.count() * ROUNDS


def test_the_bulk_path_refuses_revisions_that_are_not_drafts(briefing: Briefing) -> None:
    # given drafts published once in bulk
    start = _start(briefing)
    revisions = Drafts(briefing=briefing).make(when=start, summary="更新")
    publish_import_bulk(revisions=revisions, published_at=start, information_as_of=start.date(), summary="更新")
    # when the same (now published) revisions are published again
    with pytest.raises(InvalidTransition):
        publish_import_bulk(revisions=revisions, published_at=start + dt.timedelta(seconds=1),
                            information_as_of=start.date(), summary="再公開")
    # then nothing more was published
    assert Release.objects.filter(briefing=briefing).count() == 2


def test_the_bulk_path_refuses_an_information_date_after_the_publication_day(briefing: Briefing) -> None:
    # given drafts whose information is as of two days after the publication
    start = _start(briefing)
    revisions = Drafts(briefing=briefing).make(when=start + dt.timedelta(days=2), summary="更新")
    # when they are published now
    with pytest.raises(ValueError, match="information date"):
        publish_import_bulk(revisions=revisions, published_at=start, information_as_of=start.date(), summary="更新")
    # then no release was made
    assert Release.objects.filter(briefing=briefing).count() == 1
