"""Workflow emails: times in Asia/Tokyo, absolute SITE_URL links to where the reader acts, text + HTML."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from briefings.models import Section
from briefings.services import (
    Action,
    revision_create_draft,
    revision_publish_due,
    revision_transition,
    revision_update,
)

pytestmark = pytest.mark.django_db
SITE = "https://briefings.example.org"  # config.settings_test.SITE_URL, not the test client's host


@pytest.fixture
def submitted(briefing, editor, reviewer, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor,
                    data={"body": draft.body.replace("。", "。追記。", 1), "change_summary": "A&B <社> の動向を追記"})
    with django_capture_on_commit_callbacks(execute=True):
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return draft


def _parts(message):  # type: ignore[no-untyped-def]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def test_reviewers_get_a_link_to_the_review_page_and_the_time_in_tokyo(submitted):
    # then
    [message] = mail.outbox
    text, html = _parts(message)
    link = f"{SITE}/admin/briefings/sectionrevision/{submitted.pk}/review/"
    assert message.to == ["reviewer@example.org"]
    assert message.subject.startswith("[審査依頼] 2025年の国際情勢の概観と展望 ４．（１）")
    assert f"審査する: {link}" in text and f'<a href="{link}">審査する</a>' in html
    submitted.refresh_from_db()
    local = timezone.localtime(submitted.submitted_at, dt.timezone(dt.timedelta(hours=9)))
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（日本時間）" in text
    # user text: plain in the text part, escaped in the HTML part
    assert "A&B <社> の動向を追記" in text and "A&amp;B &lt;社&gt; の動向を追記" in html


def test_the_author_of_a_scheduled_revision_gets_its_time_in_tokyo_then_the_publication(
    submitted, reviewer, django_capture_on_commit_callbacks
):
    # given
    mail.outbox.clear()
    publish_at = dt.datetime(2030, 1, 1, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo
    # when
    with django_capture_on_commit_callbacks(execute=True):
        revision_transition(revision_id=submitted.pk, action=Action.SCHEDULE, actor=reviewer, publish_at=publish_at)
    # then
    [scheduled] = mail.outbox
    text, html = _parts(scheduled)
    assert scheduled.to == ["editor@example.org"]
    assert "承認され、2030年1月1日 09:30（日本時間）に公開される予定です" in text
    assert "2030年1月1日 09:30（日本時間）" in html
    assert f"{SITE}/admin/briefings/sectionrevision/{submitted.pk}/review/" in text
    # when: beat publishes it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert revision_publish_due(now=publish_at + dt.timedelta(seconds=30)) == [submitted.pk]
    # then
    [published] = mail.outbox
    text, html = _parts(published)
    assert "予約どおり" in text and "公開されました" in published.subject
    assert f"公開された版を読む: {SITE}/briefings/world-2025/" in text
    assert f'href="{SITE}/briefings/world-2025/"' in html


def test_a_rejection_carries_the_comment_and_the_link_to_revise(
    submitted, reviewer, django_capture_on_commit_callbacks
):
    # given
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        revision_transition(revision_id=submitted.pk, action=Action.REJECT, actor=reviewer,
                            comment="出典が不足しています。\n<b>第2段落</b>を確認")
    # then
    [message] = mail.outbox
    text, html = _parts(message)
    assert "差し戻されました" in text and "審査コメント:\n出典が不足しています。\n<b>第2段落</b>を確認" in text
    assert "&lt;b&gt;第2段落&lt;/b&gt;" in html and "<b>第2段落</b>" not in html
    assert f"コメントを読んで修正する: {SITE}/admin/briefings/sectionrevision/{submitted.pk}/review/" in text
    assert "審査者: reviewer" in text
