"""Published history is frozen and private by construction: every attack of the walk-through, held.

Each test is one way in that worked on the old main (admin edits, source edits,
drafts through sources, own approval, public review comments, the Host header,
writes to the live rows): it now fails to change what readers of release 1 get.
"""
from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from briefings.models import Citation, Claim, Footnote, RevisionStatus, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.frozen import FrozenRowError
from releases.models import Release, ReleaseArtefact
from sources.models import Source

pytestmark = pytest.mark.django_db

RELEASE_1 = "/briefings/world-2025/releases/1/"
SURFACES = (
    RELEASE_1,
    "/briefings/world-2025/as-of/2025-02-09/",
    "/api/briefings/world-2025/snapshot/?release=1",
    "/api/briefings/world-2025/snapshot/?as_of=2025-02-09",
)


def _surfaces(client) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """What a reader gets of release 1 on every surface, read fresh (no cached page)."""
    from django.core.cache import cache

    cache.clear()
    return {url: client.get(url).content for url in SURFACES}


def _reader_text(client) -> str:  # type: ignore[no-untyped-def]
    return "".join(body.decode() for body in _surfaces(client).values())


@pytest.fixture
def superuser(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


def _published_note() -> Footnote:
    return Footnote.objects.filter(revision__status=RevisionStatus.PUBLISHED, key="p12").get()


# --- 1. Admin edits -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_admin_cannot_change_or_delete_a_published_footnote_or_citation(client, briefing, editor, superuser, who):
    # given release 1 as readers see it, and an editor or a superuser in the admin
    before = _surfaces(client)
    note = _published_note()
    citation = Citation.objects.filter(footnote=note).first()
    client.force_login(editor if who == "editor" else superuser)
    # when they post changes and deletions of the published note and its citation
    client.post(f"/admin/briefings/footnote/{note.pk}/change/", {"text": "書き換え", "key": "p12", "position": 0})
    client.post(f"/admin/briefings/footnote/{note.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/briefings/citation/{citation.pk}/change/", {"source": citation.source_id, "locator": "999頁"})
    client.post(f"/admin/briefings/citation/{citation.pk}/delete/", {"post": "yes"})
    # then nothing changed, in the rows or for readers
    note.refresh_from_db()
    assert note.text != "書き換え" and Citation.objects.get(pk=citation.pk).locator == citation.locator
    assert _surfaces(client) == before


def test_the_model_layer_refuses_writes_to_frozen_content(briefing):
    # given a published revision's claim, note and citation
    note = _published_note()
    claim = Claim.objects.filter(revision=note.revision).first()
    citation = Citation.objects.filter(footnote=note).first()
    revision = note.revision
    # when code tries to change them through the ORM, then each write is refused
    note.text = "書き換え"
    with pytest.raises(FrozenRowError):
        note.save()
    with pytest.raises(FrozenRowError):
        Claim.objects.filter(pk=claim.pk).update(text="書き換え")
    with pytest.raises(FrozenRowError):
        citation.delete()
    revision.body = "書き換え"
    with pytest.raises(FrozenRowError):
        revision.save()
    with pytest.raises(FrozenRowError):
        Release.objects.filter(briefing=briefing).update(summary="書き換え")
    with pytest.raises(FrozenRowError):
        ReleaseArtefact.objects.get(release__number=1).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE briefings_claim SET text = 'x' WHERE revision_id = {revision}",
        "DELETE FROM briefings_footnote WHERE revision_id = {revision}",
        "UPDATE briefings_citation SET locator = 'x' WHERE footnote_id IN "
        "(SELECT id FROM briefings_footnote WHERE revision_id = {revision})",
        "INSERT INTO briefings_claim (revision_id, position, paragraph, role, text) VALUES ({revision}, 9999, 0, 'body', 'x')",
        "UPDATE briefings_sectionrevision SET body = 'x' WHERE id = {revision}",
        "UPDATE briefings_sectionrevision SET status = 'draft' WHERE id = {revision}",
        "UPDATE briefings_sectionrevision SET published_at = now() WHERE id = {revision}",
        "DELETE FROM briefings_revisiontransition",
        "UPDATE releases_release SET summary = 'x'",
        "DELETE FROM releases_releasesection",
        "UPDATE releases_releaseartefact SET document = '{{}}'",
        "UPDATE releases_releaserendering SET content_html = 'x'",
        "UPDATE sources_source SET title = 'x' WHERE published_at IS NOT NULL",
    ],
)
def test_postgresql_refuses_raw_writes_to_published_history(briefing, statement):
    # given a published revision
    revision = _published_note().revision_id
    # when any raw SQL tries to rewrite it, then the database refuses
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(revision=revision))


# --- 2. Source edits ----------------------------------------------------------------


def test_editing_a_cited_source_makes_a_new_version_and_leaves_release_1_as_it_was(client, briefing, editor):
    # given release 1 and a source its notes cite
    before = _surfaces(client)
    source = Citation.objects.filter(footnote=_published_note()).first().source
    old = {name: getattr(source, name) for name in ("citation", "title", "url", "publisher")}
    client.force_login(editor)
    # when an editor corrects the source through the API
    response = client.patch(f"/api/sources/{source.pk}/", {"title": "直した標題", "publisher": "直した発行者"},
                            content_type="application/json")
    # then the correction is a new version; the cited source and release 1 are untouched
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] != source.pk and body["previous_version"] == source.pk and body["title"] == "直した標題"
    source.refresh_from_db()
    assert {name: getattr(source, name) for name in old} == old and not source.is_current
    client.logout()
    assert _surfaces(client) == before
    # and readers do not see the new version until a reviewed release cites it
    assert client.get(f"/api/sources/{body['id']}/").status_code == 404


def test_a_corrected_source_reaches_readers_only_through_review_and_the_release_note_names_it(
    client, briefing, editor, reviewer
):
    # given a corrected source cited by the published 4(1)
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    published = SectionRevision.objects.get(section=section, status=RevisionStatus.PUBLISHED)
    source = Citation.objects.filter(footnote__revision=published).select_related("source").first().source
    client.force_login(editor)
    new_id = client.patch(f"/api/sources/{source.pk}/", {"title": "直した標題"},
                          content_type="application/json").json()["id"]
    # when an editor drafts the section (the draft cites the new version), submits, a reviewer approves
    draft = revision_create_draft(section=section, actor=editor)
    assert Citation.objects.filter(footnote__revision=draft, source_id=new_id).exists()
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    client.force_login(reviewer)
    review = client.get(f"/admin/briefings/sectionrevision/{draft.pk}/review/").content.decode()
    assert "出典の修正" in review and "直した標題" in review  # the citation follows the fields: the correction shows
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    # then release 2 cites the new version and its note names the correction; release 1 the old one
    release = Release.objects.get(briefing=briefing, number=2)
    assert "出典の修正" in release.summary
    client.logout()
    two = client.get("/api/briefings/world-2025/snapshot/?release=2").json()
    one = client.get("/api/briefings/world-2025/snapshot/?release=1").json()
    cited = lambda snap: {s["id"] for n in snap["footnotes"] for s in n["sources"]}  # noqa: E731
    assert new_id in cited(two) and source.pk not in cited(two) and source.pk in cited(one)
    assert client.get(f"/api/sources/{new_id}/").status_code == 200


# --- 3. Drafts leak through sources -------------------------------------------------


def test_a_source_cited_only_by_a_draft_is_for_editors_alone(client, briefing, editor):
    # given a draft note citing a new website, never submitted
    section = Section.objects.get(briefing=briefing, key="ch1")
    draft = revision_create_draft(section=section, actor=editor)
    body = draft.body.replace("。", "。秘密の草稿文[^secret]。", 1) + \
        "\n[^secret]: 草稿ウェブサイト「未公開の資料」<https://draft.example.org/secret>\n"
    revision_update(revision_id=draft.pk, actor=editor, data={"body": body})
    source = Source.objects.get(url="https://draft.example.org/secret")
    # then no reader surface shows it
    for url in ("/api/sources/", f"/api/sources/{source.pk}/", "/sources/", "/sources/csl.json",
                "/api/sources/?q=draft.example.org"):
        response = client.get(url)
        assert "draft.example.org" not in response.content.decode(), url
    # but editors see it
    client.force_login(editor)
    assert client.get(f"/api/sources/{source.pk}/").status_code == 200


# --- 4. Own approval ----------------------------------------------------------------


def test_a_user_in_both_groups_cannot_approve_a_draft_they_changed(client, briefing, editor, django_user_model):
    # given someone else's draft, changed by a user who is editor and reviewer
    both = django_user_model.objects.create_user("both", "both@example.org", "pw", is_staff=True)
    both.groups.add(Group.objects.get(name="editors"), Group.objects.get(name="reviewers"))
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=both, data={"change_summary": "他人の下書きを書き換え"})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    # when they try to approve it in the API and the admin
    client.force_login(both)
    api = client.post(f"/api/revisions/{draft.pk}/approve/", {}, content_type="application/json")
    page = client.get(f"/admin/briefings/sectionrevision/{draft.pk}/review/").content.decode()
    admin_post = client.post(f"/admin/briefings/sectionrevision/{draft.pk}/review/", {"action": "approve"})
    # then the API says 403 with the four-eyes message, the admin shows no approve button and refuses
    assert api.status_code == 403 and "自分が作成または変更した版" in api.json()["detail"]
    assert 'value="approve"' not in page and 'id="four-eyes"' in page
    assert admin_post.status_code in (200, 302)
    assert SectionRevision.objects.get(pk=draft.pk).status == RevisionStatus.SUBMITTED


# --- 5. Review comments are internal ------------------------------------------------


def test_review_comments_and_reviewers_are_never_shown_to_anonymous_readers(client, briefing, editor, reviewer):
    # given a revision rejected with a comment, reopened, resubmitted and approved
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.REJECT, actor=reviewer, comment="内部の指摘XYZ")
    revision_transition(revision_id=draft.pk, action=Action.REOPEN, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    # when an anonymous reader looks at every public surface of it
    urls = [f"/api/revisions/{draft.pk}/", "/api/revisions/", "/briefings/world-2025/", "/briefings/world-2025/feed/",
            "/briefings/world-2025/sections/ch4-1/history/", "/api/releases/", "/api/releases/2/artefact/"]
    # then neither the comment nor who reviewed appears
    for url in urls:
        text = client.get(url).content.decode()
        assert "内部の指摘XYZ" not in text and "review_comment" not in text and "reviewed_by" not in text, url
    # while editors see the review on the revision
    client.force_login(editor)
    assert "reviewed_by" in client.get(f"/api/revisions/{draft.pk}/").json()


# --- 6. The Host header -------------------------------------------------------------


def test_the_host_header_never_enters_stored_or_cached_content(client, briefing, settings):
    # given a request from an allowed but non-canonical host
    settings.RELEASE_PDF_AT_PUBLISH = False
    first = client.get(RELEASE_1, HTTP_HOST="localhost").content.decode()
    feed = client.get("/briefings/world-2025/feed/", HTTP_HOST="localhost").content.decode()
    pdf = client.get(f"{RELEASE_1}pdf", HTTP_HOST="localhost").content
    # then permalinks use SITE_URL, and the next reader (another host) gets the same bytes
    assert "https://briefings.example.org/briefings/world-2025/releases/1/" in first
    assert "localhost" not in first and "localhost" not in feed
    assert "https://briefings.example.org/briefings/world-2025/releases/1/" in feed
    assert client.get(RELEASE_1, HTTP_HOST="127.0.0.1").content.decode() == first
    assert b"localhost" not in pdf and client.get(f"{RELEASE_1}pdf", HTTP_HOST="127.0.0.1").content == pdf
    document = json.loads(ReleaseArtefact.objects.get(release__number=1).document)
    assert document["release"]["url"] == "https://briefings.example.org/briefings/world-2025/releases/1/"


# --- 7. Served from the artefact, verified by its digest ----------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="disables PostgreSQL's triggers to tamper")
def test_release_1_is_served_from_its_artefact_whatever_is_done_to_live_rows(client, briefing):
    # given release 1 as readers see it
    before = _surfaces(client)
    revision = _published_note().revision_id
    # when an operator rewrites the live rows behind the triggers' back
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # triggers off for this session
        cursor.execute("UPDATE briefings_claim SET text = '改ざん' WHERE revision_id = %s", [revision])
        cursor.execute("UPDATE briefings_footnote SET text = '改ざん' WHERE revision_id = %s", [revision])
        cursor.execute("UPDATE sources_source SET title = '改ざん', citation = '改ざん'")
        cursor.execute("UPDATE briefings_briefing SET title = '改ざん'")
        cursor.execute("SET session_replication_role = origin")
    # then every surface of release 1 is byte for byte what it was, and its digest still verifies
    assert _surfaces(client) == before
    call_command("verify_releases", "--quiet")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="disables PostgreSQL's triggers to tamper")
def test_verify_releases_names_a_tampered_artefact(briefing, capsys):
    # given an untouched database, verify_releases passes
    call_command("verify_releases")
    assert "1 release(s) verified" in capsys.readouterr().out
    # when the artefact of release 1 is changed behind the triggers
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE releases_releaseartefact SET document = replace(document, 'ロシア', 'ロシヤ')")
        cursor.execute("SET session_replication_role = origin")
    # then it exits non-zero naming the release
    with pytest.raises(Exception, match="world-2025 第1版"):
        call_command("verify_releases")
    assert "ダイジェストが一致しません" in capsys.readouterr().err


def test_verify_releases_notices_a_rendering_that_does_not_match_its_artefact(briefing, capsys):
    # given a stored rendering changed in the database (SQLite has no triggers; PostgreSQL: replica)
    from releases.models import ReleaseRendering

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE releases_releaserendering SET content_html = 'x'")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    assert ReleaseRendering.objects.filter(content_html="x").exists()
    # then verify_releases reports it
    with pytest.raises(Exception, match="damaged"):
        call_command("verify_releases")
    assert "本文 HTML" in capsys.readouterr().err


def test_the_digest_is_public_and_verifiable_by_anyone(client, briefing):
    import hashlib

    # given the snapshot and the release list
    snapshot = client.get("/api/briefings/world-2025/snapshot/?release=1").json()
    listed = client.get("/api/releases/").json()["results"][0]
    artefact = client.get(f"/api/releases/{listed['id']}/artefact/").content
    # then the digest is the same everywhere and is the SHA-256 of the artefact's bytes
    assert snapshot["digest"] == listed["digest"] == "sha256:" + hashlib.sha256(artefact).hexdigest()
    assert snapshot["digest"] in client.get(RELEASE_1).content.decode()
