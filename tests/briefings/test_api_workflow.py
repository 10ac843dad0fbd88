"""Workflow over the API: token auth, 403 and 409 with messages."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from briefings.models import RevisionStatus
from releases.models import Release


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_editor_drafts_and_reviewer_approves_through_the_api(briefing, editor, reviewer):
    # given
    as_editor, as_reviewer = _client(editor), _client(reviewer)
    # when
    draft = as_editor.post("/api/sections/ch4-1/revisions/", {}, format="json").json()
    body = draft["body"].replace("。", "。新しい情報。", 1)
    patched = as_editor.patch(f"/api/revisions/{draft['id']}/", {"body": body, "change_summary": "更新"}, format="json")
    submitted = as_editor.post(f"/api/revisions/{draft['id']}/submit/", {}, format="json")
    approved = as_reviewer.post(f"/api/revisions/{draft['id']}/approve/", {}, format="json")
    # then
    assert patched.status_code == 200 and submitted.json()["status"] == RevisionStatus.SUBMITTED
    assert approved.status_code == 200 and approved.json()["status"] == RevisionStatus.PUBLISHED
    assert Release.objects.filter(briefing=briefing).count() == 2
    snapshot = APIClient().get("/api/briefings/world-2025/snapshot/").json()
    assert any("新しい情報。" in c["text"] for s in snapshot["sections"] for p in s["paragraphs"] for c in p)


def test_anonymous_writes_are_forbidden(briefing):
    assert APIClient().post("/api/sections/ch4-1/revisions/", {}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("who", "path", "payload", "status", "text"),
    [
        ("reviewer", "/api/sections/ch4-1/revisions/", {}, 403, "編集者"),
        ("editor", "/api/revisions/{published}/", {"body": "x。"}, 409, "編集できません"),
        ("editor", "/api/revisions/{published}/submit/", {}, 409, "できません"),
        ("reviewer", "/api/revisions/{draft}/reject/", {}, 400, "comment"),
        ("editor", "/api/sections/nope/revisions/", {}, 404, "存在しません"),
        ("editor", "/api/revisions/{draft}/", {"body": "<b>x</b>。"}, 400, "HTML"),
    ],
)
def test_refusals_carry_status_and_message(briefing, editor, reviewer, who, path, payload, status, text):
    from briefings.models import SectionRevision

    published = SectionRevision.objects.get(section__key="ch4-1", status=RevisionStatus.PUBLISHED)
    draft = _client(editor).post("/api/sections/ch4-1/revisions/", {}, format="json").json()
    client = _client(editor if who == "editor" else reviewer)
    url = path.format(published=published.pk, draft=draft["id"])
    response = client.patch(url, payload, format="json") if url.endswith(f"/{draft['id']}/") or url.endswith(
        f"/{published.pk}/") else client.post(url, payload, format="json")
    assert response.status_code == status
    assert text in response.content.decode()
