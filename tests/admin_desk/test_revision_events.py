"""Linking events on the draft page: the events app contributes the panel and the page; drafts only."""
import datetime as dt

import pytest

from briefings.models import RevisionStatus
from briefings.services import revision_create_draft, revision_transition
from core.versioning import version_of
from events.models import Event, RevisionEvent


@pytest.fixture
def events(db):  # type: ignore[no-untyped-def]
    deck = Event.objects.create(key="2025-03-05-1", title="防衛省が資料を公表", occurred_on=dt.date(2025, 3, 5),
                                date_text="25年3月5日")
    month = Event.objects.create(key="2025-03-00-1", title="停戦交渉の再開", occurred_on=dt.date(2025, 3, 1),
                                 precision="month", date_text="2025年3月")
    return deck, month


def _events_url(revision):  # type: ignore[no-untyped-def]
    return f"/admin/events/revisionevent/revision/{revision.pk}/"


def _change_url(revision):  # type: ignore[no-untyped-def]
    return f"/admin/briefings/sectionrevision/{revision.pk}/change/"


def test_an_editor_links_events_from_the_draft_page_and_sees_them_with_their_dates(client, small_briefing, editor, events):
    # given a draft, open in the admin
    deck, month = events
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    client.force_login(editor)
    change = client.get(_change_url(draft)).content.decode()
    assert "この版に結び付けられた出来事はありません。" in change
    assert _events_url(draft) in change
    # when the editor opens the events page: every event with its date label
    page = client.get(_events_url(draft)).content.decode()
    assert "2025年3月5日　防衛省が資料を公表" in page
    assert "2025年3月　停戦交渉の再開" in page
    # and ticks the deck
    response = client.post(_events_url(draft), {"events": [deck.pk], "version": version_of(draft)})
    # then the draft covers it, and its change page shows it with its date
    assert response.status_code == 302 and response["Location"] == _change_url(draft)
    assert list(RevisionEvent.objects.filter(revision=draft).values_list("event_id", flat=True)) == [deck.pk]
    change = client.get(_change_url(draft)).content.decode()
    assert "防衛省が資料を公表</a>（2025年3月5日）" in change
    # when the editor unticks everything, the set is emptied (the whole set is replaced)
    draft.refresh_from_db()
    client.post(_events_url(draft), {"version": version_of(draft)})
    assert not RevisionEvent.objects.filter(revision=draft).exists()


def test_a_stale_page_does_not_overwrite_a_newer_draft(client, small_briefing, editor, events):
    deck, month = events
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    client.force_login(editor)
    stale_version = version_of(draft)
    client.post(_events_url(draft), {"events": [deck.pk], "version": stale_version})  # a first save moves the version
    # when a second tab, opened before, saves
    response = client.post(_events_url(draft), {"events": [month.pk], "version": stale_version}, follow=True)
    # then it is refused with a clear message and nothing changes
    assert response.redirect_chain == []
    refusal = list(response.context["messages"])[-1]
    assert refusal.level_tag == "error" and "版" in str(refusal)
    assert list(RevisionEvent.objects.filter(revision=draft).values_list("event_id", flat=True)) == [deck.pk]


def test_a_frozen_revision_shows_its_events_read_only_and_refuses_a_post(client, small_briefing, editor, events):
    deck, month = events
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    client.force_login(editor)
    client.post(_events_url(draft), {"events": [deck.pk], "version": version_of(draft)})
    revision_transition(revision_id=draft.pk, action="submit", actor=editor)
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.SUBMITTED
    page = client.get(_events_url(draft)).content.decode()
    assert "変更できません" in page and "2025年3月5日　防衛省が資料を公表" in page and "<form" not in page.split("content")[-1]
    assert _events_url(draft) not in client.get(_change_url(draft)).content.decode()  # no link on a frozen page
    assert client.post(_events_url(draft), {"events": [month.pk], "version": version_of(draft)}).status_code == 403
    assert list(RevisionEvent.objects.filter(revision=draft).values_list("event_id", flat=True)) == [deck.pk]


def test_a_reviewer_cannot_link_events_and_an_unknown_event_is_a_form_error(client, small_briefing, editor, reviewer, events):
    deck, month = events
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    client.force_login(reviewer)
    assert "<form method=\"post\" id=\"revision-events-form\"" not in client.get(_events_url(draft)).content.decode()
    assert client.post(_events_url(draft), {"events": [deck.pk]}).status_code == 403
    client.force_login(editor)
    response = client.post(_events_url(draft), {"events": [999999], "version": version_of(draft)})
    assert response.status_code == 200 and response.context["form"].errors["events"]
    assert not RevisionEvent.objects.filter(revision=draft).exists()


def test_anonymous_and_unknown_revisions(client, small_briefing, editor):
    draft = revision_create_draft(section=small_briefing.sections.get(key="ch4-1"), actor=editor)
    assert client.get(_events_url(draft)).status_code == 302  # to the login page
    client.force_login(editor)
    assert client.get("/admin/events/revisionevent/revision/999999/").status_code == 404
