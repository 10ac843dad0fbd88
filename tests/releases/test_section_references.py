"""「（４．（１）参照）」: a reference to a section links to it, reads as the paper, never names a missing section."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from briefings.markup import BodyValidationError
from briefings.models import RevisionStatus, Section, SectionRevision
from briefings.publication import PublishConflict
from briefings.selectors.review import revision_review
from briefings.services import (
    briefing_import_paper,
    revision_create_draft,
    revision_transition,
    revision_update,
)
from briefings.services.importing import briefing_import_bundle
from briefings.workflow import Action
from core.errors import ApplicationError
from releases.models import Release
from releases.models import ReleaseRendering
from releases.selectors.history import artefact_of
from releases.services.exporting import release_export
from releases.services.rendering import RENDER_VERSION, render_snapshot_json
from releases.services.verification import releases_verify

pytestmark = pytest.mark.django_db

# The sentence of 7.(2) as the paper prints it (pdftotext of the seed), the marker 92 before the reference.
SENTENCE_END = "ロシアの戦闘作戦への参加が確認されている（４．（１）参照）。"
LINK = '<a href="#sec-ch4-1" class="secref">４．（１）</a>'
FOOTNOTE_92 = (
    '<sup class="fnref"><a href="#fn-92" id="fnref-92" aria-describedby="fn-text-92">92</a></sup>'
)


def _client(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _claims(snapshot: dict) -> list[dict]:  # type: ignore[type-arg]
    return [claim for section in snapshot["sections"] for paragraph in section["paragraphs"] for claim in paragraph]


def test_importing_the_paper_links_its_reference_to_section_4_1(briefing):
    # the stored body is in the editing format
    body = SectionRevision.objects.get(section__key="ch7-2", status=RevisionStatus.PUBLISHED).body
    assert "確認されている[^p92]（[[sec:ch4-1]]参照）。" in body
    # the as-of page of 2025-02-09 links it, the sentence exactly as the paper prints it around the link
    page = APIClient().get("/briefings/world-2025/as-of/2025-02-09/").content.decode()
    assert f"確認されている{FOOTNOTE_92}（{LINK}参照）。" in page
    assert '<section id="sec-ch4-1"' in page  # the target exists on the same page
    assert "[[sec:" not in page


def test_the_snapshot_text_is_the_papers_and_says_where_the_reference_stands(client, briefing):
    # when
    snapshot = json.loads(client.get("/api/briefings/world-2025/snapshot/?as_of=2025-02-09").content)
    # then: the text as readers read it, the reference located in it
    [claim] = [claim for claim in _claims(snapshot) if claim["section_refs"]]
    text = claim["text"]
    assert text.endswith(SENTENCE_END)
    assert claim["section_refs"] == [{"key": "ch4-1", "offset": text.index("４．（１）"), "length": 5}]
    assert claim["footnote_refs"][-1]["offset"] == text.index("（４．（１）参照）")  # the marker 92 still before it
    assert all(claim["section_refs"] == [] for claim in _claims(snapshot) if claim["text"] != text)
    assert "[[sec:" not in json.dumps(snapshot, ensure_ascii=False)


def test_search_claim_page_pdf_and_review_read_the_section_number_never_the_markup(client, briefing, editor):
    # search
    found = client.get("/briefings/world-2025/search/", {"q": "４．（１）参照"}).content.decode()
    assert "（<mark>４．（１）参照</mark>）" in found and "[[sec:" not in found
    # the claim page links to the section on the release page
    frozen = artefact_of(release=Release.objects.get(briefing=briefing, number=1))
    claim = next(c for s in frozen.content.sections for p in s.paragraphs for c in p if c.sections)
    page = client.get(f"/briefings/world-2025/claims/{claim.anchor}/").content.decode()
    assert '（<a href="/briefings/world-2025/releases/1/#sec-ch4-1" class="secref">４．（１）</a>参照）' in page
    # the PDF's HTML links inside the document
    html = render_to_string("releases/release_pdf.html", {
        "briefing": SimpleNamespace(**frozen.document["briefing"]), "release": frozen.release,
        "content": frozen.content, "notes": {}, "permalink": "", "digest": frozen.digest,
    })
    assert f"（{LINK}参照）。" in html and "[[sec:" not in html
    # the reviewer's diff and preview of a draft of 7.(2)
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch7-2"), actor=editor)
    draft = revision_update(revision_id=draft.pk, actor=editor, data={
        "body": draft.body.replace("（[[sec:ch4-1]]参照）。", "（[[sec:ch4-1]]参照）。追記する。"),
    })
    review = revision_review(revision_id=draft.pk)
    changed = [segment.text for block in review.diff.changed for segment in block.segments]
    assert any("（４．（１）参照）" in text for text in changed) and not any("[[sec:" in t for t in changed)
    client.force_login(editor)
    admin = client.get(f"/admin/briefings/sectionrevision/{draft.pk}/review/").content.decode()
    assert '（<a href="/briefings/world-2025/#sec-ch4-1" class="secref">４．（１）</a>参照）' in admin


def test_a_reference_to_a_missing_section_is_refused_by_the_api_with_its_line_and_column(briefing, editor):
    # given a draft of 4.(1)
    api = _client(editor)
    draft = api.post("/api/sections/ch4-1/revisions/", {}, format="json").json()
    before = SectionRevision.objects.get(pk=draft["id"]).body
    # when the editor refers to a section the briefing does not have
    body = "冒頭の文である。\n\n詳しくは（[[sec:ch9-9]]参照）。"
    response = api.patch(f"/api/revisions/{draft['id']}/", {"body": body}, format="json")
    # then: 400, located, in Japanese, nothing saved
    assert response.status_code == 400
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("body", "3行6列: 節への参照 [[sec:ch9-9]] の節「ch9-9」はこのブリーフィングにありません")
    ]
    assert SectionRevision.objects.get(pk=draft["id"]).body == before
    # and a reference to an existing section is accepted
    ok = api.patch(f"/api/revisions/{draft['id']}/", {"body": "詳しくは（[[sec:ch7-2]]参照）。"}, format="json")
    assert ok.status_code == 200


def test_the_admin_form_refuses_a_reference_to_a_missing_section_and_keeps_the_text(client, briefing, editor):
    # given
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    client.force_login(editor)
    url = f"/admin/briefings/sectionrevision/{draft.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: (value.isoformat() if hasattr(value, "isoformat") else value) or "" for name, value in data.items()}
    data["body"] = "本文である（[[sec:nosuch]]参照）。"
    # when
    response = client.post(url, data)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "1行7列: 節への参照 [[sec:nosuch]] の節「nosuch」はこのブリーフィングにありません" in html
    assert "本文である（[[sec:nosuch]]参照）。" in html  # the editor's text is kept in the form
    assert SectionRevision.objects.get(pk=draft.pk).body == draft.body


def test_submitting_a_draft_whose_referenced_section_was_deleted_is_refused(briefing, editor):
    # given a new (never written) section, referred to by a draft, then deleted
    extra = Section.objects.create(briefing=briefing, key="annex", position=999)
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body + "\n\n付録（[[sec:annex]]参照）。"})
    extra.delete()
    # when / then
    with pytest.raises(BodyValidationError, match="節「annex」はこのブリーフィングにありません"):
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    assert SectionRevision.objects.get(pk=draft.pk).status == RevisionStatus.DRAFT


def test_publishing_refuses_a_reference_to_a_section_the_release_would_not_show(briefing, editor, reviewer):
    # given a section that exists but has never been published, and a draft of 4.(1) referring to it
    Section.objects.create(briefing=briefing, key="annex", position=999)
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor,
                    data={"body": draft.body + "\n\n付録（[[sec:annex]]参照）。", "change_summary": "付録への参照"})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    # when the reviewer approves
    with pytest.raises(PublishConflict) as refused:
        revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    # then nothing is published, and the message names the reference
    assert "参照先の節が公開版に存在しません: 節「ch4-1」の[[sec:annex]]" in refused.value.message
    assert Release.objects.filter(briefing=briefing).count() == 1
    assert SectionRevision.objects.get(pk=draft.pk).status == RevisionStatus.SUBMITTED


def test_publishing_refuses_it_over_the_api_with_409(briefing, editor, reviewer):
    Section.objects.create(briefing=briefing, key="annex", position=999)
    api = _client(editor)
    draft = api.post("/api/sections/ch4-1/revisions/", {}, format="json").json()
    api.patch(f"/api/revisions/{draft['id']}/", {"body": draft["body"] + "\n\n付録（[[sec:annex]]参照）。"},
              format="json")
    api.post(f"/api/revisions/{draft['id']}/submit/", {}, format="json")
    response = _client(reviewer).post(f"/api/revisions/{draft['id']}/approve/", {}, format="json")
    assert response.status_code == 409
    assert "参照先の節が公開版に存在しません: 節「ch4-1」の[[sec:annex]]" in response.json()["detail"]
    assert response.json()["missing_sections"] == ["節「ch4-1」の[[sec:annex]]"]


def test_a_paper_imported_before_references_were_linked_is_the_same_paper(paper_text):
    # given the paper imported with its reference as text (as before; or --no-section-links)
    briefing_import_paper(text=paper_text, slug="plain", title="題", link_sections=False)
    body = SectionRevision.objects.get(section__briefing__slug="plain", section__key="ch7-2").body
    assert "（４．（１）参照）" in body and "[[sec:" not in body
    # when the same file is imported again with links (the default)
    again = briefing_import_paper(text=paper_text, slug="plain", title="題")
    # then nothing changes
    assert not again.created and Release.objects.filter(briefing__slug="plain").count() == 1


def test_the_command_links_by_default_and_keeps_text_when_asked(tmp_path, paper_text):
    path = tmp_path / "paper.txt"
    path.write_text(paper_text, encoding="utf-8")
    call_command("import_briefing", str(path), slug="linked", title="題")
    call_command("import_briefing", str(path), slug="plain", title="題", no_section_links=True)
    bodies = dict(SectionRevision.objects.filter(section__key="ch7-2").values_list("section__briefing__slug", "body"))
    assert "[[sec:ch4-1]]" in bodies["linked"] and "（４．（１）参照）" in bodies["plain"]


def test_a_bundle_referring_to_a_section_it_does_not_have_is_refused(briefing):
    bundle = release_export(release=Release.objects.get(briefing=briefing, number=1))
    bundle["sections"] = [s for s in bundle["sections"] if s["key"] != "ch4-1"]
    with pytest.raises(ApplicationError, match="節「ch7-2」.*節「ch4-1」はこのブリーフィングにありません"):
        briefing_import_bundle(bundle=bundle, slug="broken")
    assert not Release.objects.filter(briefing__slug="broken").exists()


def test_a_release_frozen_before_section_references_has_the_same_snapshot_shape(briefing):
    # given release 1 as an artefact of format 2 (no section_refs) would hold it
    frozen = artefact_of(release=Release.objects.get(briefing=briefing, number=1))
    old = json.loads(frozen.document_text)
    old["format"] = 2
    for claim in _claims(old["snapshot"]):
        del claim["section_refs"]
    # when its snapshot is rendered
    snapshot = json.loads(render_snapshot_json(old, frozen.digest))
    # then every claim still has section_refs (none), after footnote_refs
    assert all(list(claim)[-2:] == ["footnote_refs", "section_refs"] and claim["section_refs"] == []
               for claim in _claims(snapshot))


def test_renderings_made_by_older_code_are_kept_and_not_reported_by_verification(briefing):
    # given a rendering of version 3 (before section_refs), stored as it was
    release = Release.objects.get(briefing=briefing, number=1)
    current = ReleaseRendering.objects.get(release=release, version=RENDER_VERSION)
    ReleaseRendering.objects.create(
        release=release, version="3", digest=current.digest, snapshot_json=current.snapshot_json.replace(
            ',"section_refs":[]', ""), content_html=current.content_html, page_meta=current.page_meta,
    )
    # when / then
    checked, problems = releases_verify()
    assert checked >= 1 and problems == []
