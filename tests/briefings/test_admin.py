"""The admin: an editor sees the imported paper; published revisions are read-only; the review page."""
import re

from briefings.models import RevisionStatus, SectionRevision


def test_editor_sees_the_imported_paper_in_the_admin(client, briefing, editor):
    # given
    client.force_login(editor)
    revision = SectionRevision.objects.get(section__key="ch5-3", status=RevisionStatus.PUBLISHED)
    # when
    listing = client.get("/admin/briefings/sectionrevision/")
    page = client.get(f"/admin/briefings/sectionrevision/{revision.pk}/change/")
    # then
    assert listing.status_code == 200 and "日本の対応" in listing.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    assert "[^p73]" in html  # the editing-format body, with its footnote definitions
    assert 'name="body"' not in html  # published: not editable


def test_editor_creates_a_draft_from_the_published_revision(client, briefing, editor):
    client.force_login(editor)
    section = briefing.sections.get(key="ch4-1")
    response = client.post(
        "/admin/briefings/section/",
        {"action": "new_draft_from_published", "_selected_action": [section.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft = SectionRevision.objects.get(section=section, status=RevisionStatus.DRAFT)
    assert draft.base.status == RevisionStatus.PUBLISHED and draft.author == editor
    assert draft.footnotes.get(key="p36").citations.count() == 1  # citations carried over
    page = client.get(f"/admin/briefings/sectionrevision/{draft.pk}/change/").content.decode()
    assert 'name="body"' in page


def test_sources_are_searchable_in_the_admin(client, briefing, editor):
    client.force_login(editor)
    response = client.get("/admin/sources/source/?q=日本経済新聞")
    assert response.status_code == 200
    assert "2025.1.23" in response.content.decode()


def _review_url(revision):
    return f"/admin/briefings/sectionrevision/{revision.pk}/review/"


def _submitted_change(briefing, editor):
    from briefings.services import Action, revision_create_draft, revision_transition, revision_update

    section = briefing.sections.get(key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    body = draft.body.replace("。", "。ロシアによるクルスク州の奪還が進んだ。", 1)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": body, "change_summary": "3月の戦況を反映"})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    return SectionRevision.objects.get(pk=draft.pk)


def test_reviewer_queue_lists_submitted_revisions_with_a_link_to_the_review(client, briefing, editor, reviewer):
    revision = _submitted_change(briefing, editor)
    client.force_login(reviewer)
    index = client.get("/admin/").content.decode()
    assert "審査待ちの版" in index
    queue = client.get("/admin/briefings/reviewqueueentry/").content.decode()
    assert _review_url(revision) in queue
    assert queue.count("/review/") == 1  # published revisions are not in the queue


def test_review_page_shows_a_character_level_diff_and_the_reader_preview(client, briefing, editor, reviewer):
    revision = _submitted_change(briefing, editor)
    client.force_login(reviewer)
    html = client.get(_review_url(revision)).content.decode()
    table = html.split('id="diff"')[1].split("</table>")[0]
    inserted = re.findall(r'<ins class="diff-ins">(.*?)</ins>', table)
    assert [text.strip("。") for text in inserted] == ["ロシアによるクルスク州の奪還が進んだ"]  # just the sentence
    assert "<del" not in table
    preview = html.split('id="preview"')[1]
    assert "ロシアによるクルスク州の奪還が進んだ。" in preview
    assert 'href="#fn-36"' in preview  # numbered as the release would number it
    assert "承認して公開予約" in html and "差し戻す" in html


def test_reviewer_schedules_from_the_review_page_in_tokyo_time(client, briefing, editor, reviewer):
    import datetime as dt
    from zoneinfo import ZoneInfo

    revision = _submitted_change(briefing, editor)
    client.force_login(reviewer)
    response = client.post(_review_url(revision), {"action": "schedule", "publish_at": "2099-04-01T09:00"}, follow=True)
    assert response.status_code == 200
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.SCHEDULED
    assert revision.publish_at == dt.datetime(2099, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert "2099年4月1日 09:00に公開予定" in response.content.decode()


def test_a_past_schedule_time_and_a_reject_without_comment_are_form_errors(client, briefing, editor, reviewer):
    revision = _submitted_change(briefing, editor)
    client.force_login(reviewer)
    past = client.post(_review_url(revision), {"action": "schedule", "publish_at": "2020-01-01T09:00"})
    assert "未来の日時" in past.content.decode()
    bare = client.post(_review_url(revision), {"action": "reject", "comment": " "})
    assert "差戻しにはコメントが必要です" in bare.content.decode()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.SUBMITTED


def test_rejection_comment_reaches_the_editor_and_own_work_cannot_be_reviewed(client, briefing, editor, reviewer):
    revision = _submitted_change(briefing, editor)
    client.force_login(reviewer)
    client.post(_review_url(revision), {"action": "reject", "comment": "出典（防衛省資料）を脚注に追加してください"})
    client.force_login(editor)
    mine = client.get("/admin/briefings/sectionrevision/?mine=1").content.decode()
    assert "出典（防衛省資料）を脚注に追加してください" in mine
    page = client.get(_review_url(revision)).content.decode()
    assert 'id="review-comment"' in page and "下書きに戻す" in page
    assert "差し戻す" not in page  # an editor is not a reviewer


def test_the_author_sees_no_approve_buttons_even_as_a_reviewer(client, briefing, django_user_model):
    from django.contrib.auth.models import Group

    both = django_user_model.objects.create_user("both", password="x", is_staff=True)
    both.groups.add(Group.objects.get(name="editors"), Group.objects.get(name="reviewers"))
    revision = _submitted_change(briefing, both)
    client.force_login(both)
    page = client.get(_review_url(revision)).content.decode()
    assert "承認して今すぐ公開" not in page and 'id="four-eyes"' in page
    forced = client.post(_review_url(revision), {"action": "approve"}, follow=True).content.decode()
    assert "自分が作成または変更した版を承認" in forced
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.SUBMITTED


def test_a_malformed_body_is_a_located_form_error_and_nothing_is_saved(client, briefing, editor):
    from briefings.services import revision_create_draft

    draft = revision_create_draft(section=briefing.sections.get(key="ch4-1"), actor=editor)
    client.force_login(editor)
    url = f"/admin/briefings/sectionrevision/{draft.pk}/change/"
    form = {
        "number": draft.number, "heading": draft.heading, "information_as_of": "2025-02-09", "release_kind": "update",
        "body": draft.body.replace("[^p36]。", "[^nosuch]<script>alert(1)</script>。", 1), "change_summary": "",
        **{f"{prefix}-{name}": value for prefix in ("claims", "footnotes", "transitions")
           for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
    }
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 200  # the form again, not a redirect
    assert "nosuch" in html and "行" in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    draft.refresh_from_db()
    assert "nosuch" not in draft.body
