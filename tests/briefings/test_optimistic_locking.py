"""Two editors on one draft: the second save over a newer version is refused, nothing is lost."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from briefings.models import Section, SectionRevision
from briefings.services import revision_create_draft
from core.versioning import version_of
from events.importing import row_from_record
from events.models import Event
from events.services import event_save
from sources.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(briefing, editor):  # type: ignore[no-untyped-def]
    return revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)


def test_a_patch_with_a_stale_if_match_is_412_and_changes_nothing(client, draft, editor):
    client.force_login(editor)
    # given two editors who loaded the same draft
    first = client.get(f"/api/revisions/{draft.pk}/")
    etag = first["ETag"]
    assert etag == f'"{version_of(draft)}"'
    # when the first saves and the second saves on the version they loaded
    ok = client.patch(f"/api/revisions/{draft.pk}/", {"change_summary": "Aの変更"}, content_type="application/json",
                      HTTP_IF_MATCH=etag)
    stale = client.patch(f"/api/revisions/{draft.pk}/", {"change_summary": "Bの変更"}, content_type="application/json",
                         HTTP_IF_MATCH=etag)
    # then the first succeeds with a new ETag, the second is 412 with a clear message, and A's text stays
    assert ok.status_code == 200 and ok["ETag"] != etag
    assert stale.status_code == 412 and "他の人が変更しました" in stale.json()["detail"]
    assert SectionRevision.objects.get(pk=draft.pk).change_summary == "Aの変更"
    # and a PATCH without If-Match still applies (last write wins, as documented)
    assert client.patch(f"/api/revisions/{draft.pk}/", {"change_summary": "C"}, content_type="application/json",
                        ).status_code == 200


@pytest.mark.parametrize("kind", ["source", "event"])
def test_sources_and_events_have_etags_and_refuse_stale_patches(client, briefing, editor, kind):
    client.force_login(editor)
    if kind == "source":
        obj = Source.objects.order_by("pk").first()
        url, change = f"/api/sources/{obj.pk}/", {"archive_url": "https://web.archive.org/web/2025/x"}
    else:
        row = row_from_record({"key": "e-lock", "date": "2025年3月1日", "title": "出来事"})
        obj = event_save(briefing_slug=briefing.slug, row=row, actor=editor)
        url, change = f"/api/events/{obj.pk}/", {"title": "変更後", "briefing": briefing.slug}
    etag = client.get(url)["ETag"]
    assert client.patch(url, change, content_type="application/json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url, change, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412, stale.content
    assert isinstance(obj, Source | Event)


def _admin_post_data(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the browser would post back from an admin change form, unchanged."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: (value.isoformat() if hasattr(value, "isoformat") else value) or "" for name, value in data.items()}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
    return data


def test_the_admin_keeps_the_text_and_says_someone_saved_meanwhile(client, draft, editor, django_user_model):
    other = django_user_model.objects.create_user("editor2", "e2@example.org", "pw", is_staff=True)
    other.groups.add(Group.objects.get(name="editors"))
    url = f"/admin/briefings/sectionrevision/{draft.pk}/change/"
    # given two editors with the change form open
    client.force_login(editor)
    data = _admin_post_data(client.get(url))
    second = Client()
    second.force_login(other)
    other_data = _admin_post_data(second.get(url))
    other_data["change_summary"] = "先に保存した人の変更"
    assert second.post(url, other_data).status_code == 302
    # when the first editor saves their own text on the version they loaded
    data["change_summary"] = "私の長い説明文"
    response = client.post(url, data)
    # then the form comes back with the error and their text, and the other editor's save stands
    assert response.status_code == 200
    html = response.content.decode()
    assert "他の人が保存しました" in html and "私の長い説明文" in html
    assert SectionRevision.objects.get(pk=draft.pk).change_summary == "先に保存した人の変更"
