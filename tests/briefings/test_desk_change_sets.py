"""A change set: several sections revised after one event, reviewed on one page, approved or rejected as one."""
from __future__ import annotations

import pytest

from briefings.models import RevisionStatus, SectionRevision
from releases.models import Release
from tests.briefings.desk_fixtures import second_editor, small_briefing, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
QUEUE = "/admin/briefings/reviewqueueentry/"


def _post(client, revisions, **data):  # type: ignore[no-untyped-def]
    return client.post(QUEUE, {"action": "approve_together", "_selected_action": [r.pk for r in revisions], **data})


@pytest.fixture
def change_set(small_briefing, editor):  # type: ignore[no-untyped-def]
    return [
        submitted(small_briefing, "war", editor, summary="戦況を更新"),
        submitted(small_briefing, "korea", editor, body="日韓関係は改善が続いている。首脳会談が開かれた。",
                  summary="首脳会談を反映"),
    ]


def test_the_set_is_one_page_with_every_diff_and_one_release_note(client, change_set, reviewer):
    client.force_login(reviewer)
    html = _post(client, change_set).content.decode()
    for revision in change_set:
        assert f'id="set-{revision.pk}"' in html
    assert html.count('class="diff"') == 2
    assert '<ins class="diff-ins">戦況は3月に変化した。</ins>' in html and "首脳会談が開かれた" in html
    note = html.split('name="release_note"')[1].split("</textarea>")[0]
    assert "戦況を更新" in note and "首脳会談を反映" in note
    assert 'id="four-eyes"' not in html


def test_approving_the_set_publishes_one_release(client, change_set, reviewer):
    client.force_login(reviewer)
    before = Release.objects.count()
    response = _post(client, change_set, decision="approve", release_note="3月の情勢を反映")
    assert response.status_code == 302
    assert Release.objects.count() == before + 1
    assert Release.objects.order_by("-pk").first().summary == "3月の情勢を反映"  # one release, one note
    assert {r.status for r in SectionRevision.objects.filter(pk__in=[r.pk for r in change_set])} == {
        RevisionStatus.PUBLISHED}


def test_rejecting_the_set_needs_one_comment_and_rejects_every_member(client, change_set, reviewer):
    client.force_login(reviewer)
    missing = _post(client, change_set, decision="reject", comment=" ").content.decode()
    assert "差し戻すには理由を書いてください" in missing
    assert _post(client, change_set, decision="reject", comment="出典を補ってください").status_code == 302
    for revision in SectionRevision.objects.filter(pk__in=[r.pk for r in change_set]):
        assert revision.status == RevisionStatus.REJECTED and revision.review_comment == "出典を補ってください"


def test_four_eyes_holds_for_every_member_of_the_set(client, small_briefing, editor, second_editor, django_user_model):
    # given a set where one member was changed by someone who is also a reviewer
    from django.contrib.auth.models import Group

    second_editor.groups.add(Group.objects.get(name="reviewers"))
    mine = submitted(small_briefing, "war", editor)
    theirs = submitted(small_briefing, "korea", second_editor, body="日韓関係は改善が続いている。会談が開かれた。")
    client.force_login(second_editor)
    # when they open the set, the page says why they may not decide, and a forced POST changes nothing
    html = _post(client, [mine, theirs]).content.decode()
    assert f"版{theirs.pk}を作成または変更している" in html.split('id="four-eyes"')[1]
    _post(client, [mine, theirs], decision="approve", release_note="x")
    _post(client, [mine, theirs], decision="reject", comment="y")
    assert set(SectionRevision.objects.filter(pk__in=[mine.pk, theirs.pk]).values_list("status", flat=True)) == {
        RevisionStatus.SUBMITTED}
