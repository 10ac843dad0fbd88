"""The admin: an editor sees the imported paper; published revisions are read-only."""
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
