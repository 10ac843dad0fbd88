"""/admin/ opens on the desk: each user's work, what waits for them, and what needs attention."""
import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from briefings.models import SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.models import SCHEDULER, Heartbeat
from events.importing import EventRow
from events.services import event_import
from core.dates import TOKYO, parse_japanese_date, today_tokyo
from sources.models import LinkHealth, LinkStatus, Source

HOME = "/admin/"


@pytest.fixture
def other_reviewer(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("reviewer2", "r2@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="reviewers"))
    return user


def _draft(briefing, editor, key="ch4-1", text="戦況は動いた。"):  # type: ignore[no-untyped-def]
    draft = revision_create_draft(section=briefing.sections.get(key=key), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor,
                    data={"body": draft.body.replace("戦況は膠着している。", text), "change_summary": "3月の戦況"})
    return SectionRevision.objects.get(pk=draft.pk)


def _submitted(briefing, editor, **kwargs):  # type: ignore[no-untyped-def]
    draft = _draft(briefing, editor, **kwargs)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return SectionRevision.objects.get(pk=draft.pk)


def _box(html: str, name: str) -> str:
    return html.split(f'id="desk-{name}"')[1].split("</section>")[0]


def test_the_admin_home_is_the_desk_with_the_model_list_below(client, small_briefing, editor):
    client.force_login(editor)
    html = client.get(HOME).content.decode()
    assert "編集・審査のデスク" in html and 'id="desk-drafts"' in html
    assert html.index('id="desk-drafts"') < html.index('id="desk-models"')
    assert "/admin/briefings/sectionrevision/" in _box(html, "models")  # the generic list stays reachable


def test_an_editor_sees_their_draft_linked_to_its_edit_page(client, small_briefing, editor):
    draft = _draft(small_briefing, editor)
    client.force_login(editor)
    drafts = _box(client.get(HOME).content.decode(), "drafts")
    assert "４．（１）ロシア・ウクライナ戦争" in drafts
    assert f"/admin/briefings/sectionrevision/{draft.pk}/change/" in drafts


def test_a_reviewer_sees_submissions_of_others_with_their_age_but_not_their_own(
    client, small_briefing, editor, reviewer, other_reviewer
):
    # given one revision by the editor, and one the reviewer changed (contributed to)
    by_editor = _submitted(small_briefing, editor)
    reviewer.groups.add(Group.objects.get(name="editors"))
    by_reviewer = _submitted(small_briefing, reviewer, key="ch4", text="x")
    client.force_login(reviewer)
    # when two days and three hours later
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(days=2, hours=3)):
        waiting = _box(client.get(HOME).content.decode(), "review")
    # then
    assert f"/sectionrevision/{by_editor.pk}/review/" in waiting and "2日" in waiting
    assert f"/sectionrevision/{by_reviewer.pk}/review/" not in waiting  # four eyes
    client.force_login(other_reviewer)
    assert f"/sectionrevision/{by_reviewer.pk}/review/" in _box(client.get(HOME).content.decode(), "review")


def test_an_editor_sees_a_rejection_with_the_reviewers_comment(client, small_briefing, editor, reviewer):
    revision = _submitted(small_briefing, editor)
    revision_transition(revision_id=revision.pk, action=Action.REJECT, actor=reviewer,
                        comment="出典を付けてください。<script>")
    client.force_login(editor)
    rejected = _box(client.get(HOME).content.decode(), "rejected")
    assert "出典を付けてください。&lt;script&gt;" in rejected
    assert f"/sectionrevision/{revision.pk}/review/" in rejected


def test_an_overdue_scheduled_revision_is_flagged_in_red_with_its_tokyo_time(
    client, small_briefing, editor, reviewer
):
    # given a revision scheduled for 10:00 Tokyo tomorrow
    revision = _submitted(small_briefing, editor)
    tomorrow = today_tokyo() + dt.timedelta(days=1)
    due = dt.datetime.combine(tomorrow, dt.time(10, 0), tzinfo=TOKYO)
    revision_transition(revision_id=revision.pk, action=Action.SCHEDULE, actor=reviewer, publish_at=due)
    client.force_login(editor)
    # when before, then after its time (nothing published it: no scheduler)
    before = _box(client.get(HOME).content.decode(), "scheduled")
    with mock.patch("django.utils.timezone.now", return_value=due + dt.timedelta(minutes=5)):
        after = _box(client.get(HOME).content.decode(), "scheduled")
    # then
    when = f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日 10:00"
    assert when in before and "予約中" in before and "desk-overdue" not in before
    assert when in after and "desk-overdue-row" in after and "予定を過ぎています（未公開）" in after
    assert "うち<span class=\"desk-overdue\">1件が予定を過ぎて未公開</span>" in after


def test_a_stopped_scheduler_is_said_plainly_and_a_running_one_is_not(client, small_briefing, editor):
    client.force_login(editor)
    assert "スケジューラが停止しています" in client.get(HOME).content.decode()
    Heartbeat.objects.update_or_create(name=SCHEDULER, defaults={"beat_at": timezone.now()})
    assert 'id="desk-scheduler"' not in client.get(HOME).content.decode()


def test_stale_sections_dead_links_and_releases_are_on_the_desk(client, small_briefing, editor):
    # given an event after 4.(1)'s cutoff, a dead link
    date = parse_japanese_date("2025年3月5日")
    event_import(briefing_slug="desk-2025", rows=[EventRow(1, "2025-03-05-1", date, "英国防省の推計", sections=("ch4-1",))])
    source = Source.objects.create(kind="web", citation="「消えたページ」（2025.1.1）", url="https://gone.example.org/x")
    LinkHealth.objects.create(source=source, status=LinkStatus.DEAD, consecutive_failures=4)
    client.force_login(editor)
    # when
    html = client.get(HOME).content.decode()
    # then
    stale = _box(html, "stale")
    assert "４．（１）ロシア・ウクライナ戦争" in stale and "英国防省の推計" in stale and "#stale-ch4-1" in stale
    links = _box(html, "links")
    assert "リンク切れ" in links and f"/admin/sources/source/{source.pk}/change/" in links
    assert "第1版（2025年2月9日現在）" in _box(html, "releases")
    assert "/briefings/desk-2025/releases/1/" in _box(html, "releases")


def test_the_desk_costs_the_same_queries_for_one_row_or_many(
    client, small_briefing, editor, reviewer, django_assert_max_num_queries
):
    client.force_login(reviewer)
    reviewer.groups.add(Group.objects.get(name="editors"))
    _submitted(small_briefing, editor)
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    for key in ("ch4", "lead"):
        draft = revision_create_draft(section=small_briefing.sections.get(key=key), actor=editor)
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    with django_assert_max_num_queries(len(one)):
        response = client.get(HOME)
    assert response.content.decode().count("/review/\">") >= 3
    assert len(one) <= 25  # session, user, groups, the desk's lists, the model list
