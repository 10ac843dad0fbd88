"""Faults: the broker down, a worker killed mid-task, a database error mid-publish."""
import datetime as dt

import pytest
from django.core import mail
from django.db import DatabaseError
from django.utils import timezone

from briefings.models import RevisionStatus, RevisionTransition, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from briefings.services.transitions import revision_publish_due
from config.celery import app
from releases.models import Release, ReleaseSection


def _submitted(briefing, editor, key="ch4-1"):
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key=key), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。追記。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return draft.pk


@pytest.fixture
def broker_down():  # type: ignore[no-untyped-def]
    saved = {key: app.conf.get(key) for key in ("task_always_eager", "broker_write_url", "broker_connection_retry",
                                                 "broker_connection_max_retries", "broker_transport_options")}
    app.conf.update(  # broker_write_url: the settings' CELERY_BROKER_URL would win over broker_url
        task_always_eager=False, broker_write_url="redis://127.0.0.1:9/0", broker_connection_retry=False,
        broker_connection_max_retries=0, broker_transport_options={"max_retries": 0, "socket_connect_timeout": 1},
    )
    app._pool = None  # new connection and producer pools for the unreachable broker
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def test_with_the_broker_down_an_approval_commits_and_its_email_still_goes_out(
    briefing, editor, reviewer, broker_down, django_capture_on_commit_callbacks, caplog
):
    revision_id = _submitted(briefing, editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        published = revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=reviewer)
    assert published.status == RevisionStatus.PUBLISHED
    assert Release.objects.filter(briefing=briefing).count() == 2
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]  # ran in-process instead
    assert "broker unreachable" in caplog.text


def test_a_database_error_mid_publish_leaves_no_partial_release(briefing, editor, reviewer, monkeypatch):
    revision_id = _submitted(briefing, editor)
    old = SectionRevision.objects.get(section__key="ch4-1", status=RevisionStatus.PUBLISHED)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("disk full")

    monkeypatch.setattr(ReleaseSection.objects, "bulk_create", broken)
    with pytest.raises(DatabaseError):
        revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=reviewer)
    assert Release.objects.filter(briefing=briefing).count() == 1
    assert SectionRevision.objects.get(pk=revision_id).status == RevisionStatus.SUBMITTED
    assert SectionRevision.objects.get(pk=old.pk).status == RevisionStatus.PUBLISHED
    assert not RevisionTransition.objects.filter(revision_id=revision_id, action=Action.APPROVE).exists()


def test_a_worker_killed_mid_publish_leaves_nothing_and_the_redelivery_publishes_once(
    briefing, editor, reviewer, monkeypatch
):
    revision_id = _submitted(briefing, editor)
    revision_transition(revision_id=revision_id, action=Action.SCHEDULE, actor=reviewer,
                        publish_at=timezone.now() + dt.timedelta(minutes=5))
    later = timezone.now() + dt.timedelta(minutes=10)
    real = ReleaseSection.objects.bulk_create

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SystemExit("SIGKILL")  # the worker dies inside the publishing transaction

    monkeypatch.setattr(ReleaseSection.objects, "bulk_create", killed)
    with pytest.raises(SystemExit):
        revision_publish_due(now=later)
    assert Release.objects.filter(briefing=briefing).count() == 1
    assert SectionRevision.objects.get(pk=revision_id).status == RevisionStatus.SCHEDULED
    monkeypatch.setattr(ReleaseSection.objects, "bulk_create", real)
    # acks_late: the task is delivered again, and runs twice if two workers got it
    assert revision_publish_due(now=later) == [revision_id]
    assert revision_publish_due(now=later) == []
    assert Release.objects.filter(briefing=briefing).count() == 2
