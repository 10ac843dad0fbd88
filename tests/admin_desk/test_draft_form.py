"""The draft form: errors beside the body with the text kept; a new draft's cutoff is today in Tokyo."""
import datetime as dt
from unittest import mock

from briefings.models import RevisionStatus, SectionRevision
from briefings.services import revision_create_draft
from core.dates import TOKYO, today_tokyo
from core.versioning import version_of


def _change_url(draft):  # type: ignore[no-untyped-def]
    return f"/admin/briefings/sectionrevision/{draft.pk}/change/"


def _post(draft, **fields):  # type: ignore[no-untyped-def]
    data = {"number": draft.number, "heading": draft.heading, "body": draft.body,
            "information_as_of": draft.information_as_of.isoformat(), "change_summary": "", "release_kind": "update",
            "version": version_of(draft)}
    for prefix in ("claims", "footnotes", "contributors", "transitions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **fields}


def test_a_format_error_stands_beside_the_body_with_its_column_and_the_text_is_kept(client, small_briefing, editor):
    # given a draft, and a body with a tag 6 characters into line 3
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    body = "戦況は膠着している。\n\n東部では<b>攻防</b>が続く。"
    client.force_login(editor)
    # when
    response = client.post(_change_url(draft), _post(draft, body=body))
    # then the form comes back (nothing saved), the error is the body field's, at line 3 column 5
    html = response.content.decode()
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["body"] == ["3行5列: HTMLやタグは使えません（URLは <https://…> の形で書きます）"]
    assert "東部では&lt;b&gt;攻防&lt;/b&gt;が続く。" in html  # what the editor typed
    assert SectionRevision.objects.get(pk=draft.pk).body == draft.body


def test_an_unclosed_reference_is_one_error_not_a_cascade(client, small_briefing, editor):
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4"), actor=editor)
    client.force_login(editor)
    body = draft.body.replace("[^n1]。", "[^n1。")
    errors = client.post(_change_url(draft), _post(draft, body=body)).context["adminform"].form.errors
    assert errors["body"] == ["1行11列: 閉じていない脚注参照です（[^key] の形で書きます）"]


def test_a_draft_made_in_the_admin_has_todays_tokyo_cutoff_and_shows_the_base_cutoff(client, small_briefing, editor):
    # given 23:30 UTC on 1 March 2026, already 2 March in Tokyo
    section = small_briefing.sections.get(key="ch4-1")
    client.force_login(editor)
    moment = dt.datetime(2026, 3, 2, 8, 30, tzinfo=TOKYO)
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        # when the editor starts a draft from the section list
        client.post("/admin/briefings/section/", {"action": "new_draft_from_published", "_selected_action": [section.pk]})
        draft = SectionRevision.objects.get(section=section, status=RevisionStatus.DRAFT)
        page = client.get(_change_url(draft)).content.decode()
    # then
    assert draft.information_as_of == dt.date(2026, 3, 2)
    assert "今日は2026年3月2日（日本時間）です。" in page
    assert f"元にした公開中の版（版{draft.base_id}）の基準日は2025年2月9日です。" in page


def test_a_draft_from_the_stale_dashboard_has_todays_cutoff(client, small_briefing, editor):
    section = small_briefing.sections.get(key="ch4-1")
    client.force_login(editor)
    client.post("/admin/events/stalesection/", {"action": "draft", "section": section.pk})
    assert SectionRevision.objects.get(section=section, status=RevisionStatus.DRAFT).information_as_of == today_tokyo()
