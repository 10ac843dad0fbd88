"""A real worker SIGKILLed in the middle of publishing: after a new worker starts, the release is published once.

The test holds the briefing's row lock in PostgreSQL, so the worker's publish
transaction is deterministically stuck half-way (it has locked the revision
and waits for the briefing); then the worker is killed with SIGKILL. Two cases:

* the pool process running the task dies (OOM killer): ``reject_on_worker_lost``
  puts the message back at once and the worker's next pool process runs it;
* the whole worker dies: the message stays unacknowledged in Redis, and a
  worker started later restores it once ``visibility_timeout`` has passed.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from briefings.models import RevisionStatus, RevisionTransition, Section, SectionRevision
from briefings.services import (
    Action,
    revision_create_draft,
    revision_publish_due,
    revision_transition,
    revision_update,
)
from releases.models import Release
from tests.conftest import PAPER, SLUG
from tests.hardening.conftest import needs_worker, wait_for


@pytest.fixture
def due_revision(django_user_model):  # type: ignore[no-untyped-def]
    """A scheduled revision of ch4-1 whose publication time has come; returns (briefing id, revision id)."""
    from django.contrib.auth.models import Group

    from briefings.services import briefing_import_paper

    briefing = briefing_import_paper(text=PAPER.read_text(encoding="utf-8"), slug=SLUG, title="概観").briefing
    editor = django_user_model.objects.create_user("editor", "editor@example.org", "pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    reviewer = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="reviewers"))
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。追記。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SCHEDULE, actor=reviewer,
                        publish_at=timezone.now() + dt.timedelta(seconds=2))
    time.sleep(2.1)  # now due
    return briefing.pk, draft.pk


@pytest.fixture
def briefing_lock():  # type: ignore[no-untyped-def]
    """Hold the briefing row lock from another connection until ``release()``: publishing waits on it."""
    settings = connection.settings_dict
    holder = psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"], dbname=settings["NAME"],
                             user=settings["USER"] or "postgres")

    class Lock:
        def take(self, briefing_id: int) -> None:
            holder.execute("SELECT id FROM briefings_briefing WHERE id = %s FOR UPDATE", [briefing_id])

        def release(self) -> None:
            holder.rollback()

    yield Lock()
    holder.rollback()
    holder.close()


def _publisher_waiting_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


def _pool_children(pid: int) -> list[int]:
    output = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in output.split()]


def _published_once(briefing_id: int, revision_id: int) -> bool:
    return (
        SectionRevision.objects.get(pk=revision_id).status == RevisionStatus.PUBLISHED
        and Release.objects.filter(briefing_id=briefing_id).count() == 2
    )


def _assert_exactly_once(briefing_id: int, revision_id: int) -> None:
    assert Release.objects.filter(briefing_id=briefing_id).count() == 2
    assert list(Release.objects.filter(briefing_id=briefing_id).order_by("number").values_list("number", flat=True)) == [1, 2]
    assert RevisionTransition.objects.filter(revision_id=revision_id, action=Action.PUBLISH).count() == 1
    assert revision_publish_due() == []  # nothing left to publish: a later run changes nothing


@needs_worker
def test_a_pool_process_killed_mid_publish_is_redelivered_and_publishes_once(workers, due_revision, briefing_lock):
    from briefings.tasks import revision_publish_due_task

    # given: a worker stuck inside the publishing transaction
    briefing_id, revision_id = due_revision
    briefing_lock.take(briefing_id)
    worker = workers.start()
    revision_publish_due_task.delay()
    assert wait_for(_publisher_waiting_on_lock, 60), workers.text()[-3000:]
    # when: the process running the task is killed; the lock is then let go
    (child,) = _pool_children(worker.pid)
    subprocess.run(["kill", "-KILL", str(child)], check=True)
    assert wait_for(lambda: "WorkerLostError" in workers.text() or "Worker exited prematurely" in workers.text(), 30)
    briefing_lock.release()
    # then: the redelivered task published it, once
    assert wait_for(lambda: _published_once(briefing_id, revision_id), 60), workers.text()[-3000:]
    _assert_exactly_once(briefing_id, revision_id)


@needs_worker
def test_a_whole_worker_killed_mid_publish_leaves_the_task_for_the_next_worker(workers, due_revision, briefing_lock):
    from briefings.tasks import revision_publish_due_task

    # given
    briefing_id, revision_id = due_revision
    briefing_lock.take(briefing_id)
    first = workers.start(CELERY_VISIBILITY_TIMEOUT="3")
    revision_publish_due_task.delay()
    assert wait_for(_publisher_waiting_on_lock, 60), workers.text()[-3000:]
    # when: SIGKILL to the worker and its pool at once; nothing was committed
    workers.kill(first)
    briefing_lock.release()
    assert not wait_for(lambda: _published_once(briefing_id, revision_id), 2)
    assert SectionRevision.objects.get(pk=revision_id).status == RevisionStatus.SCHEDULED
    time.sleep(3)  # the unacknowledged message is older than the visibility timeout
    workers.start(CELERY_VISIBILITY_TIMEOUT="3")
    # then
    assert wait_for(lambda: _published_once(briefing_id, revision_id), 60), workers.text()[-3000:]
    _assert_exactly_once(briefing_id, revision_id)


MUST_HAPPEN = ["briefings.revision_publish_due_task", "briefings.revision_notify_reviewers_task",
               "briefings.revision_notify_author_task", "events.notify_stale_sections_task", "core.mail_send_task",
               "sources.link_check_task", "sources.link_check_all_task", "releases.release_render_pdf_task"]


@pytest.mark.parametrize("name", MUST_HAPPEN)
def test_every_task_that_must_happen_survives_a_lost_worker(name):
    from config.celery import app

    app.loader.import_default_modules()
    task = app.tasks[name]
    assert (task.acks_late, task.reject_on_worker_lost) == (True, True)
