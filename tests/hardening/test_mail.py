"""Mail server down is not a broker outage: failures retry with backoff, are logged per recipient, never break a request.

A real SMTP server (aiosmtpd on 127.0.0.1) that answers 451 a few times, then
accepts, and refuses one address for good; a real worker retries.
"""
from __future__ import annotations

import io
import logging
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command

from briefings.models import RevisionStatus, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.mail import mail_retry_delay
from core.tasks import mail_queue
from releases.models import Release
from tests.briefings.test_faults import broker_down  # noqa: F401  (the unreachable-broker fixture)
from tests.hardening.conftest import needs_worker, wait_for


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_down(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2


def _submit(briefing, editor):  # type: ignore[no-untyped-def]
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。追記。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return draft.pk


def test_with_the_mail_server_down_a_submission_and_an_approval_still_succeed(
    briefing, editor, reviewer, django_user_model, smtp_down, django_capture_on_commit_callbacks, caplog
):
    # given: two reviewers to notify, a mail server refusing connections
    second = django_user_model.objects.create_user("reviewer2", "reviewer2@example.org", "pw", is_staff=True)
    second.groups.add(*reviewer.groups.all())
    caplog.set_level(logging.INFO)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        revision_id = _submit(briefing, editor)
    with django_capture_on_commit_callbacks(execute=True):
        published = revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=reviewer)
    # then: the workflow went through; each recipient's failure is its own log line; no broker outage claimed
    assert published.status == RevisionStatus.PUBLISHED
    assert Release.objects.filter(briefing=briefing).count() == 2
    undelivered = sorted(r.getMessage().split()[2] for r in caplog.records if "not delivered" in r.getMessage())
    assert undelivered == ["editor@example.org", "reviewer2@example.org", "reviewer@example.org"]
    assert "broker unreachable" not in caplog.text


def test_broker_and_mail_server_down_are_told_apart(
    briefing, editor, reviewer, smtp_down, broker_down, django_capture_on_commit_callbacks, caplog
):
    # given
    revision_id = _submit(briefing, editor)
    caplog.set_level(logging.INFO)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=reviewer)
    # then: the notification ran in-process because of the broker; its mail failed because of SMTP
    messages = [r.getMessage() for r in caplog.records]
    assert any("broker unreachable" in m and "revision_notify_author_task" in m for m in messages)
    assert any(m.startswith("mail to editor@example.org not delivered") for m in messages)
    assert SectionRevision.objects.get(pk=revision_id).status == RevisionStatus.PUBLISHED


def test_load_demo_completes_with_debug_off_and_no_mail_server(
    db, smtp_down, caplog, django_capture_on_commit_callbacks
):
    # given: production settings (DEBUG off in the test settings), SMTP unreachable, no broker (eager tasks)
    caplog.set_level(logging.ERROR)
    # when: the after-commit notifications run as they would outside the test's transaction
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", allow_production=True, stdout=io.StringIO())
    # then: everything was loaded; the notifications it could not send are logged, not raised
    assert Release.objects.filter(briefing__slug="world-2025").count() == 2
    assert any("not delivered" in r.getMessage() for r in caplog.records)


def test_the_backoff_doubles_and_is_capped(settings):
    settings.MAIL_RETRY_BASE, settings.MAIL_RETRY_MAX = 60, 3600
    assert [mail_retry_delay(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


class FlakySmtp:
    """Answer 451 (try again later) to the first ``failures`` attempts per recipient; refuse ``refused`` for good."""

    def __init__(self, failures: int, refused: str) -> None:
        self.failures, self.refused = failures, refused
        self.attempts: dict[str, int] = {}
        self.delivered: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        with self.lock:
            self.attempts[address] = self.attempts.get(address, 0) + 1
            if address == self.refused:
                return "550 5.1.1 no such user"
            if self.attempts[address] <= self.failures:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        with self.lock:
            self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted"


@needs_worker
def test_a_worker_retries_each_recipient_with_backoff_until_the_server_takes_it(workers):
    # given: a mail server failing twice per recipient, refusing one address outright
    handler = FlakySmtp(failures=2, refused="gone@example.org")
    port = _closed_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        workers.start(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                      EMAIL_PORT=str(port), MAIL_RETRY_BASE="1",
                      MAIL_MAX_ATTEMPTS="3")
        # when
        mail_queue(subject="[審査依頼] テスト", body="本文", recipients=["a@example.org", "b@example.org",
                                                                     "gone@example.org"])
        # then: each good address delivered exactly once, on its third attempt; the bad one given up and logged
        assert wait_for(lambda: sorted(handler.delivered) == ["a@example.org", "b@example.org"]
                        and "mail to gone@example.org not delivered after 3 attempt(s)" in workers.text(), 60), (
            handler.delivered, workers.text()[-3000:])
    finally:
        controller.stop()
    log = workers.text()
    for address in ("a@example.org", "b@example.org"):
        assert f"mail to {address} failed (attempt 1 of 3)" in log and f"mail to {address} failed (attempt 2 of 3)" in log
        assert f"mail to {address} sent (attempt 3)" in log
    assert handler.attempts == {"a@example.org": 3, "b@example.org": 3, "gone@example.org": 3}
    assert not mail.outbox
