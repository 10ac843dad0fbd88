"""Sections, revisions and releases are named as people name them, never by a key or a database id."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.models import RevisionStatus, SectionRevision
from briefings.selectors.labels import section_labels
from briefings.services import revision_create_draft
from releases.models import Release


def test_sections_are_labelled_with_their_chapter_number_and_heading(small_briefing):
    # given
    sections = {section.key: section.pk for section in small_briefing.sections.all()}
    # when
    with CaptureQueriesContext(connection) as queries:
        labels = section_labels(section_ids=set(sections.values()))
    # then
    assert len(queries) == 1
    assert labels[sections["ch4-1"]] == "４．（１）ロシア・ウクライナ戦争"
    assert labels[sections["ch4"]] == "４．ウクライナ情勢と日露関係"
    assert labels[sections["lead"]] == "冒頭"


def test_the_section_list_shows_labels_and_the_draft_in_work(client, small_briefing, editor):
    # given a draft of 4.(1)
    section = small_briefing.sections.get(key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    client.force_login(editor)
    # when
    html = client.get("/admin/briefings/section/").content.decode()
    # then
    assert "４．（１）ロシア・ウクライナ戦争" in html and "2025年2月9日" in html
    assert f"/admin/briefings/sectionrevision/{draft.pk}/review/" in html and f"版{draft.pk}（下書き）" in html


def test_the_revision_list_names_the_section_not_its_key(client, small_briefing, editor):
    client.force_login(editor)
    html = client.get("/admin/briefings/sectionrevision/").content.decode()
    assert "４．（１）ロシア・ウクライナ戦争" in html
    assert "desk-2025/ch4-1" not in html


def test_a_revision_names_itself_without_a_query(small_briefing):
    revision = SectionRevision.objects.get(section__key="ch4-1", status=RevisionStatus.PUBLISHED)
    fresh = SectionRevision.objects.get(pk=revision.pk)
    with CaptureQueriesContext(connection) as queries:
        text = str(fresh)
    assert text == f"版{revision.pk}「（１）ロシア・ウクライナ戦争」（公開中）" and len(queries) == 0


def test_a_release_is_named_by_its_number_and_date(small_briefing):
    assert str(Release.objects.get(briefing=small_briefing)) == "第1版（2025年2月9日現在）"


def test_creating_a_draft_from_the_section_list_says_which_section_by_label(client, small_briefing, editor):
    client.force_login(editor)
    section = small_briefing.sections.get(key="ch4-1")
    response = client.post("/admin/briefings/section/", {"action": "new_draft_from_published",
                                                        "_selected_action": [section.pk]}, follow=True)
    assert "４．（１）ロシア・ウクライナ戦争: 下書き（版" in response.content.decode()


def test_sections_are_found_by_their_heading_once_each(client, small_briefing, editor):
    # given 4.(1) with a published revision and a draft, both headed 「ロシア・ウクライナ戦争」
    revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    client.force_login(editor)
    # when
    response = client.get("/admin/briefings/section/", {"q": "ロシア・ウクライナ"})
    # then one row, not one per revision
    assert response.context["cl"].result_count == 1
