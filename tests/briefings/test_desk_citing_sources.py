"""An editor cites sources while editing a draft: pick one (autocomplete) or create one of any kind, with a locator."""
from __future__ import annotations

import html
import json

import pytest

from briefings.models import Citation
from sources.models import Source, SourceKind
from sources.services import source_update, sources_publish
from tests.briefings.desk_fixtures import new_draft, small_briefing  # noqa: F401

pytestmark = pytest.mark.django_db

INTERVIEW_NOTE = "外交官への聞き取りによる。"


def _change_url(draft):  # type: ignore[no-untyped-def]
    return f"/admin/briefings/sectionrevision/{draft.pk}/change/"


def _form(draft, **extra):  # type: ignore[no-untyped-def]
    from core.versioning import version_of

    return {
        "number": draft.number, "heading": draft.heading, "body": draft.body, "change_summary": draft.change_summary,
        "information_as_of": draft.information_as_of.isoformat(), "release_kind": draft.release_kind,
        "version": version_of(draft),
        **{f"{prefix}-{name}": value for prefix in ("claims", "footnotes", "transitions", "contributions")
           for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        **extra,
    }


@pytest.fixture
def draft_with_bare_note(small_briefing, editor):  # type: ignore[no-untyped-def]
    """A draft whose new note names no URL, newspaper or Diet record: the parser finds no source in it."""
    body = f"ロシアの攻勢が続いている。[^w1]停戦協議は難航している。[^w2]\n\n[^w1]: 『日本経済新聞』（2025.1.23）\n[^w2]: {INTERVIEW_NOTE}"
    return new_draft(small_briefing, "war", editor, body=body)


def test_the_draft_form_offers_its_notes_a_source_search_and_the_add_popup(client, draft_with_bare_note, editor):
    client.force_login(editor)
    page = client.get(_change_url(draft_with_bare_note)).content.decode()
    assert 'name="cite_footnote"' in page and '<option value="w2">[^w2] 外交官への聞き取りによる。</option>' in page
    assert 'data-app-label="briefings" data-model-name="citation" data-field-name="source"' in page  # autocomplete
    assert "/admin/sources/source/add/?_to_field=id&amp;_popup=1" in page  # the "+" popup
    assert "出典なし" in page  # the bare note shows it has no source yet


def test_an_editor_creates_a_source_without_url_in_the_popup_and_cites_it_with_a_locator(
    client, draft_with_bare_note, editor,
):
    draft = draft_with_bare_note
    client.force_login(editor)
    # when the editor registers an interview in the "+" popup
    popup = client.post("/admin/sources/source/add/?_to_field=id&_popup=1", {
        "kind": SourceKind.INTERVIEW, "author": "山田 太郎", "title": "ウクライナ停戦協議について",
        "publisher": "", "issued_text": "2025年3月12日", "_popup": "1", "_to_field": "id",
    })
    # then the popup hands the new source back to the draft
    assert popup.status_code == 200, popup.content.decode()[:2000]
    source = Source.objects.get(title="ウクライナ停戦協議について")
    payload = json.loads(html.unescape(popup.content.decode().split('data-popup-response="')[1].split('"')[0]))
    assert payload["value"] == str(source.pk)
    assert source.kind == "interview" and source.url == "" and source.issued_precision == "day"
    assert "山田" in source.citation and "2025" in source.citation
    # and the editor cites it from the draft's own form, with a locator
    response = client.post(_change_url(draft), _form(draft, cite_footnote="w2", cite_source=source.pk,
                                                      cite_locator="84頁", _continue="1"))
    assert response.status_code == 302, response.content.decode()[:3000]
    citation = Citation.objects.get(footnote__revision=draft, footnote__key="w2")
    assert (citation.source_id, citation.locator) == (source.pk, "84頁")
    page = client.get(_change_url(draft)).content.decode()
    assert "（84頁）</a>" in page


@pytest.mark.parametrize("kind,fields", [
    (SourceKind.BOOK, {"author": "佐藤 一郎", "title": "戦争と外交", "publisher": "有斐閣", "issued_text": "2024年"}),
    (SourceKind.DIET_RECORD, {"title": "第217回国会衆議院予算委員会議録第5号", "issued_text": "令7.2.4"}),
    (SourceKind.NEWSPAPER, {"container": "『読売新聞』", "issued_text": "2025.3.6", "pages": "朝刊2面"}),
])
def test_sources_of_every_kind_need_no_url(client, editor, kind, fields):
    client.force_login(editor)
    response = client.post("/admin/sources/source/add/", {"kind": kind, **fields})
    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get(kind=kind)
    assert source.url == "" and source.citation and source.fingerprint


def test_a_duplicate_or_an_unreadable_date_is_a_form_error_and_nothing_is_created(client, editor):
    client.force_login(editor)
    first = {"kind": SourceKind.BOOK, "title": "戦争と外交", "author": "佐藤 一郎"}
    assert client.post("/admin/sources/source/add/", first).status_code == 302
    again = client.post("/admin/sources/source/add/", first).content.decode()
    assert "同じ出典" in again and "その出典を選んでください" in again
    bad = client.post("/admin/sources/source/add/", {**first, "title": "別の本", "issued_text": "そのうち"})
    assert "日付として読めません" in bad.content.decode()
    empty = client.post("/admin/sources/source/add/", {"kind": SourceKind.OTHER}).content.decode()
    assert "出典を特定する項目" in empty
    assert Source.objects.count() == 1


def test_choosing_a_source_without_a_note_or_a_note_without_a_source_is_refused(client, draft_with_bare_note, editor):
    draft = draft_with_bare_note
    source = Source.objects.first()
    client.force_login(editor)
    no_note = client.post(_change_url(draft), _form(draft, cite_source=source.pk)).content.decode()
    assert "出典を追加する脚注を選んでください" in no_note
    no_source = client.post(_change_url(draft), _form(draft, cite_footnote="w2", cite_locator="84頁")).content.decode()
    assert "所在を書いた出典を選んでください" in no_source or "追加する出典を選ぶか" in no_source
    assert not Citation.objects.filter(footnote__revision=draft, footnote__key="w2").exists()


def test_reviewers_cannot_add_sources_and_published_sources_stay_frozen(client, small_briefing, editor, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/sources/source/add/").status_code == 403
    # a source a release cites is corrected as a new version, the old one untouched
    client.force_login(editor)
    published = Source.objects.get(container="『日本経済新聞』")
    assert published.is_frozen
    corrected = source_update(source=published, data={"pages": "3面"})
    assert corrected.pk != published.pk
    published.refresh_from_db()
    assert published.pages == "" and not published.is_current


def test_the_source_search_offers_current_versions_visible_to_the_user(client, small_briefing, editor, django_user_model):
    published = Source.objects.get(container="『日本経済新聞』")
    newer = source_update(source=published, data={"pages": "3面"})
    url = "/admin/autocomplete/?app_label=briefings&model_name=citation&field_name=source&term=日本経済"
    client.force_login(editor)
    ids = [int(item["id"]) for item in client.get(url).json()["results"]]
    assert ids == [newer.pk]  # never the superseded version
    # a staff user outside the editorial groups sees neither the search nor drafts' sources
    other = django_user_model.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client.force_login(other)
    assert client.get(url).status_code == 403
    sources_publish(source_ids=[newer.pk], at=published.published_at)


def test_a_superseded_source_version_cannot_be_cited_by_posting_its_id(client, draft_with_bare_note, editor):
    draft = draft_with_bare_note
    old = Source.objects.get(container="『日本経済新聞』")
    source_update(source=old, data={"pages": "3面"})  # old is now a superseded version
    client.force_login(editor)
    page = client.post(_change_url(draft), _form(draft, cite_footnote="w2", cite_source=old.pk)).content.decode()
    assert "正しく選択してください" in page or "選択肢" in page or "Select a valid choice" in page
    assert not Citation.objects.filter(footnote__revision=draft, footnote__key="w2").exists()
