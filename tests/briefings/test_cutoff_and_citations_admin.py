"""An information cutoff can be neither in the future nor after publication; citations are added in the admin."""
from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from briefings.models import Citation, Footnote, Section
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.dates import TOKYO, today_tokyo
from core.errors import ApplicationError
from sources.models import Source

pytestmark = pytest.mark.django_db


def test_a_cutoff_after_today_in_tokyo_is_refused_naming_the_field(client, briefing, editor):
    # given a draft
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    # when an editor sets its cutoff to 2099 (service, API)
    with pytest.raises(ApplicationError) as error:
        revision_update(revision_id=draft.pk, actor=editor, data={"information_as_of": dt.date(2099, 1, 1)})
    client.force_login(editor)
    api = client.patch(f"/api/revisions/{draft.pk}/", {"information_as_of": "2099-01-01"},
                       content_type="application/json")
    # then both refuse it with the field named, and today (Tokyo) is accepted
    assert "information_as_of" in error.value.extra["errors"] and "今日" in error.value.message
    assert api.status_code == 400 and "information_as_of" in api.content.decode()
    assert revision_update(revision_id=draft.pk, actor=editor, data={"information_as_of": today_tokyo()})


def test_the_tokyo_day_decides_what_today_is(briefing, editor):
    # given 23:30 UTC on 1 March = 08:30 on 2 March in Tokyo
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    moment = dt.datetime(2026, 3, 2, 8, 30, tzinfo=TOKYO)
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.timezone.utc)):
        # then the 2nd is today and may be the cutoff, the 3rd may not
        revision_update(revision_id=draft.pk, actor=editor, data={"information_as_of": dt.date(2026, 3, 2)})
        with pytest.raises(ApplicationError):
            revision_update(revision_id=draft.pk, actor=editor, data={"information_as_of": dt.date(2026, 3, 3)})


def test_a_cutoff_after_the_publication_day_is_refused_at_publication(briefing, editor, reviewer):
    # given a draft whose cutoff is today, submitted now
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"information_as_of": today_tokyo()})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    # when the reviewer's clock says it is the day before (a publication back-dated by mistake)
    yesterday = dt.datetime.combine(today_tokyo() - dt.timedelta(days=1), dt.time(12), tzinfo=TOKYO)
    with mock.patch("django.utils.timezone.now", return_value=yesterday.astimezone(dt.timezone.utc)), \
            pytest.raises(ApplicationError) as error:
        revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    # then nothing is published and the message says why
    assert "公開日より後" in error.value.message


def test_an_editor_adds_a_citation_to_a_draft_note_in_the_admin(client, briefing, editor):
    # given a draft and a source
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    note = Footnote.objects.filter(revision=draft).first()
    source = Source.objects.filter(kind="book").first() or Source.objects.first()
    client.force_login(editor)
    # when they add a citation with a locator through the admin's add form
    form = client.get("/admin/briefings/citation/add/")
    response = client.post("/admin/briefings/citation/add/",
                           {"footnote": note.pk, "source": source.pk, "locator": "84頁"}, follow=True)
    # then the form opens (it was a 500), the citation is saved through the service, and the editor is a contributor
    assert form.status_code == 200 and response.status_code == 200
    assert Citation.objects.filter(footnote=note, source=source, locator="84頁").exists()
    assert draft.contributors.filter(pk=editor.pk).exists()


def test_the_admin_offers_only_draft_notes_for_a_new_citation(client, briefing, editor):
    client.force_login(editor)
    published = Footnote.objects.filter(revision__status="published").first()
    response = client.post("/admin/briefings/citation/add/",
                           {"footnote": published.pk, "source": Source.objects.first().pk, "locator": "1頁"})
    assert response.status_code == 200 and "正しく選択してください" in response.content.decode()
    assert not Citation.objects.filter(footnote=published, locator="1頁").exists()
