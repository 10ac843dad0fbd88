"""The staleness dashboard in the admin: what editors and reviewers see and do there."""
from briefings.models import RevisionStatus, SectionRevision
from events.models import Event, EventDismissal, RevisionEvent

URL = "/admin/events/stalesection/"


def test_editor_sees_stale_sections_with_their_events_and_since_when(client, briefing, demo_events, editor):
    client.force_login(editor)
    assert "更新が必要な節" in client.get("/admin/").content.decode()
    html = client.get(URL).content.decode()
    ch41 = html.split('id="stale-ch4-1"')[1].split("</section>")[0]
    assert "2025年2月28日から" in ch41 and "英国防省、ロシア軍の死傷者を87万人以上と推計" in ch41
    ch32 = html.split('id="stale-ch3-2"')[1].split("</section>")[0]
    assert "基準日と重なる可能性" in ch32 and "要確認" in ch32
    assert "これらの出来事を結び付けて下書きを作成" in html
    assert "変更不要" not in ch41.replace("「変更不要」", "")  # editors do not dismiss


def test_editor_starts_a_draft_with_the_events_prelinked(client, briefing, demo_events, editor):
    client.force_login(editor)
    section = briefing.sections.get(key="ch4-1")
    response = client.post(URL, {"action": "draft", "section": section.pk})
    draft = SectionRevision.objects.get(section=section, status=RevisionStatus.DRAFT)
    assert response.status_code == 302 and response["Location"].endswith(f"/sectionrevision/{draft.pk}/change/")
    assert RevisionEvent.objects.filter(revision=draft).count() == 6
    assert f"版{draft.pk}" in client.get(URL).content.decode()  # the work in progress is shown


def test_reviewer_marks_an_event_as_no_change_needed(client, briefing, demo_events, reviewer):
    client.force_login(reviewer)
    section = briefing.sections.get(key="ch2-2")
    event = Event.objects.get(key="2025-02-japan-us-joint-statement-taiwan")
    empty = client.post(URL, {"action": "dismiss", "section": section.pk, "event": event.pk, "reason": ""}, follow=True)
    assert "理由を入力してください" in empty.content.decode()
    client.post(URL, {"action": "dismiss", "section": section.pk, "event": event.pk, "reason": "脚注で引用済み"})
    assert EventDismissal.objects.get().decided_by == reviewer
    assert 'id="stale-ch2-2"' not in client.get(URL).content.decode()


def test_bad_dashboard_input_is_a_message_not_an_error(client, briefing, demo_events, editor):
    client.force_login(editor)
    response = client.post(URL, {"action": "draft", "section": "abc"}, follow=True)
    assert response.status_code == 200 and "指定が正しくありません" in response.content.decode()


def test_sections_citing_a_dead_or_moved_source_are_shown_with_the_claims(client, briefing, editor):
    from sources.models import LinkHealth, LinkStatus, Source

    source = Source.objects.filter(url__contains="jetro.go.jp").first()
    LinkHealth.objects.filter(source=source).update(status=LinkStatus.DEAD, consecutive_failures=3)
    client.force_login(editor)
    html = client.get(URL).content.decode()
    block = html.split('id="source-problems"')[1]
    assert "リンク切れ" in block and 'id="sources-' in block and "JETRO" in block
    assert "引用している文：「" in block and "アーカイブ未登録" in block


def test_an_event_recorded_in_the_admin_is_dated_from_its_text_and_notifies(client, briefing, editor,
                                                                            django_capture_on_commit_callbacks):
    from django.core import mail

    section = briefing.sections.get(key="ch6")
    client.force_login(editor)
    form = {
        "title": "管理画面で記録した出来事", "description": "", "date_text": "令7.3.4",
        "event_sources-TOTAL_FORMS": "0", "event_sources-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "1", "links-INITIAL_FORMS": "0", "links-0-section": section.pk, "links-0-note": "",
    }
    bad = client.post("/admin/events/event/add/", {**form, "date_text": "3月4日"})
    assert bad.status_code == 200 and "「3月4日」は日付として解釈できません" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/events/event/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(key="2025-03-04-1")  # made from the date: editors type no key
    assert (event.occurred_on.isoformat(), event.precision, event.recorded_by) == ("2025-03-04", "day", editor)
    assert any("ch6" in message.subject for message in mail.outbox)
