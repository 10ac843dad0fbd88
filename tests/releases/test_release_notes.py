"""Release notes and kinds: the reviewer's note, minor changes, corrections counted and marked up, 「初版」."""
import datetime as dt

import feedparser
from django.utils import timezone
from rest_framework.test import APIClient

from briefings.models import ReleaseKind, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from briefings.services.transitions import revision_publish_due
from releases.models import Release


def _submitted(briefing, editor, *, summary="クルスク州の戦況を追記", kind="update"):  # type: ignore[no-untyped-def]
    draft = revision_create_draft(section=briefing.sections.get(key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={
        "body": draft.body.replace("。", "。ロシアによるクルスク州の奪還が進んだ。", 1),
        "change_summary": summary, "release_kind": kind,
    })
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return SectionRevision.objects.get(pk=draft.pk)


def test_the_reviewer_confirms_the_prefilled_note_and_readers_see_it(client, briefing, editor, reviewer):
    # given
    revision = _submitted(briefing, editor)
    client.force_login(reviewer)
    review = client.get(f"/admin/briefings/sectionrevision/{revision.pk}/review/").content.decode()
    assert 'name="release_note"' in review and ">クルスク州の戦況を追記</textarea>" in review  # prefilled
    # when the reviewer rewrites it and approves
    note = "3月の戦況を反映しました。\nクルスク州での動きを追記しています。<script>alert(1)</script>"
    client.post(f"/admin/briefings/sectionrevision/{revision.pk}/review/",
                {"action": "approve", "release_note": note, "comment": ""})
    # then the release carries the note, and every reader surface shows it
    release = Release.objects.get(briefing=briefing, number=2)
    assert release.summary == note and SectionRevision.objects.get(pk=revision.pk).release_note == note
    client.logout()
    page = client.get("/briefings/world-2025/releases/2/").content.decode()
    assert "この版について" in page and "3月の戦況を反映しました。<br>クルスク州での動きを追記しています。" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    listing = client.get("/briefings/world-2025/releases/").content.decode()
    assert "3月の戦況を反映しました。" in listing and "<script>alert" not in listing
    changes = client.get("/briefings/world-2025/changes/?from_release=1&to_release=2").content.decode()
    assert "3月の戦況を反映しました。" in changes
    entry = feedparser.parse(client.get("/briefings/world-2025/feed/").content).entries[0]
    assert "<p>3月の戦況を反映しました。<br />クルスク州での動きを追記しています。" in entry.summary
    assert "<script>" not in entry.summary  # feedparser unescapes once: the note's markup stays text
    assert entry.summary_detail.type == "text/html"
    assert "from_release=1&amp;to_release=2" in entry.summary or "from_release=1&to_release=2" in entry.summary


def test_an_api_approval_without_a_note_uses_the_change_summary_and_a_huge_note_is_refused(briefing, editor, reviewer):
    revision = _submitted(briefing, editor)
    api = APIClient()
    api.force_authenticate(reviewer)
    refused = api.post(f"/api/revisions/{revision.pk}/approve/", {"release_note": "あ" * 4001}, format="json")
    assert refused.status_code == 400 and "release_note" in refused.content.decode()
    assert api.post(f"/api/revisions/{revision.pk}/approve/", {}, format="json").status_code == 200
    assert Release.objects.get(briefing=briefing, number=2).summary == "クルスク州の戦況を追記"


def test_a_scheduled_release_is_published_with_the_note_approved_and_unscheduling_drops_it(briefing, editor, reviewer):
    revision = _submitted(briefing, editor)
    soon = timezone.now() + dt.timedelta(hours=1)
    revision_transition(revision_id=revision.pk, action=Action.SCHEDULE, actor=reviewer, publish_at=soon,
                        release_note="予約した注記")
    revision_transition(revision_id=revision.pk, action=Action.UNSCHEDULE, actor=reviewer)
    assert SectionRevision.objects.get(pk=revision.pk).release_note == ""
    revision_transition(revision_id=revision.pk, action=Action.SCHEDULE, actor=reviewer, publish_at=soon,
                        release_note="予約し直した注記")
    revision_publish_due(now=soon + dt.timedelta(minutes=1))
    assert Release.objects.get(briefing=briefing, number=2).summary == "予約し直した注記"


def test_batch_approval_asks_for_the_note_prefilled_from_every_change_summary(client, briefing, editor, reviewer):
    # given two submitted revisions in the reviewers' queue
    first = _submitted(briefing, editor, summary="クルスク州の戦況を追記")
    draft = revision_create_draft(section=briefing.sections.get(key="ch7-2"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={
        "body": draft.body.replace("。", "。北朝鮮兵の第２陣が派遣された。", 1),
        "change_summary": "北朝鮮兵の派遣を追記",
    })
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    client.force_login(reviewer)
    selected = {"action": "approve_together", "_selected_action": [first.pk, draft.pk]}
    # when the action is chosen, nothing is published yet: the note is asked for
    asked = client.post("/admin/briefings/reviewqueueentry/", selected).content.decode()
    assert not Release.objects.filter(number=2).exists()
    assert "・４．（１）ロシア・ウクライナの攻防と国際社会の動き：クルスク州の戦況を追記" in asked
    assert "・７．（２）北朝鮮の対外関係：北朝鮮兵の派遣を追記" in asked
    # then confirming publishes one release with the note written
    client.post("/admin/briefings/reviewqueueentry/", {**selected, "confirm": "1", "release_note": "二つの節を更新"})
    release = Release.objects.get(briefing=briefing, number=2)
    assert release.summary == "二つの節を更新" and release.kind == ReleaseKind.UPDATE


def test_a_minor_change_keeps_the_cutoff_and_is_listed_but_not_announced(client, briefing, publish_change):
    # when
    release = publish_change(old="。", new="。", kind="minor", summary="誤字の訂正",
                             cutoff=dt.date(2025, 2, 20))  # a later date on the revision does not move it
    # then
    assert release.kind == ReleaseKind.MINOR and release.information_as_of == dt.date(2025, 2, 9)
    page = client.get("/briefings/world-2025/releases/2/").content.decode()
    assert "第2版（軽微な変更）" in page and "2025年2月9日現在" in page
    listing = client.get("/briefings/world-2025/releases/").content.decode()
    assert "軽微な変更" in listing and "誤字の訂正" in listing
    titles = [entry.title for entry in feedparser.parse(client.get("/briefings/world-2025/feed/").content).entries]
    assert titles == ["初版・2025年2月9日現在"]  # subscribers are not notified of minor changes


def test_corrections_are_counted_and_marked_up_as_schema_org_corrections(client, briefing, publish_change):
    # when two corrections are published
    publish_change(kind="correction", summary="数字の誤りを訂正", note="本文の数字の誤りを訂正しました。")
    publish_change(key="ch7-2", kind="correction", summary="人名の誤記を訂正")
    # then
    page = client.get("/briefings/world-2025/releases/3/").content.decode()
    assert "第3版（訂正）" in page and "訂正2件" in page
    assert 'itemprop="correction" itemscope itemtype="https://schema.org/CorrectionComment"' in page
    assert '<span itemprop="text">人名の誤記を訂正</span>' in page
    assert "訂正1件" in client.get("/briefings/world-2025/releases/2/").content.decode()  # fixed with release 2
    listing = client.get("/briefings/world-2025/releases/").content.decode()
    assert "うち<a href=\"?kind=correction\">訂正2件</a>" in listing
    only = client.get("/briefings/world-2025/releases/?kind=correction").content.decode()
    assert only.count('class="release-entry kind-correction"') == 2 and 'id="release-1"' not in only
    feed = feedparser.parse(client.get("/briefings/world-2025/feed/").content)
    titles = [entry.title for entry in feed.entries]
    assert titles[:2] == ["第3版（訂正）・2025年2月9日現在", "第2版（訂正）・2025年2月9日現在"]


def test_release_one_is_the_first_edition_everywhere(client, briefing):
    for url in ("/briefings/world-2025/releases/1/", "/briefings/world-2025/releases/", "/briefings/world-2025/feed/"):
        html = client.get(url).content.decode()
        assert "初版" in html and "第1版（更新）" not in html and "第1版（" not in html, url
