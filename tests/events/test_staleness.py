"""Staleness: events after a section's cutoff, ambiguity from precision, covering and dismissing."""
import datetime as dt

import pytest
from django.core import mail

from briefings.models import Section
from briefings.services import Action, revision_transition
from events.importing import read_events
from events.models import Event, RevisionEvent
from events.selectors import stale_sections
from events.services import draft_from_stale_section, event_dismiss, event_import, event_link
from core.errors import ApplicationError


def _keys(entries):
    return [entry.section.key for entry in entries]


def test_sections_with_events_after_the_cutoff_or_straddling_it_are_stale(briefing, demo_events):
    entries = {entry.section.key: entry for entry in stale_sections(briefing=briefing)}
    assert sorted(entries) == ["ch2-2", "ch3-2", "ch4-1", "ch4-3", "ch7-2"]
    ch41 = entries["ch4-1"]
    assert ch41.since == dt.date(2025, 2, 28) and not ch41.only_ambiguous
    assert [item.event.key for item in ch41.events][0] == "2025-02-28-kursk-villages-recaptured"
    # 「2025年2月」 against a cutoff of 2025-02-09: flagged as ambiguous, not hidden
    ch32 = entries["ch3-2"]
    assert [(item.event.key, item.relation) for item in ch32.events] == [
        ("2025-02-japan-us-joint-statement-taiwan", "ambiguous")
    ]
    assert ch32.only_ambiguous and ch32.since == dt.date(2025, 2, 9)
    # events before the cutoff never make a section stale (the 2024 total, the January capture)
    assert "2024-taiwan-pla-aircraft-total-3070" not in [item.event.key for item in ch32.events]
    assert [item.event.key for item in entries["ch7-2"].events] == ["2025-03-05-dprk-troops-losses-and-second-wave"]


@pytest.mark.parametrize(
    ("date_text", "relation"),
    [("2025年2月9日", "before"), ("2025年2月10日", "after"), ("2025年2月", "ambiguous"), ("2025年", "ambiguous"),
     ("2025年1月", "before"), ("2025年3月", "after"), ("2025年2月8日～10日", "ambiguous"), ("令和６年", "before")],
)
def test_precision_decides_before_after_or_ambiguous(date_text, relation, briefing):
    _slug, rows = read_events(f"- {{key: probe, date: '{date_text}', title: t}}\n", fmt="yaml")
    event_import(briefing_slug="world-2025", rows=rows)
    assert Event.objects.get(key="probe").relation_to(dt.date(2025, 2, 9)) == relation


def test_a_published_revision_covering_the_events_clears_the_section(briefing, demo_events, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch7-2")
    draft = draft_from_stale_section(section_id=section.pk, actor=editor)
    assert list(RevisionEvent.objects.filter(revision=draft).values_list("event__key", flat=True)) == [
        "2025-03-05-dprk-troops-losses-and-second-wave"
    ]
    assert stale_sections(section_ids=[section.pk])[0].drafts == [draft.pk]  # the dashboard shows the work
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    assert "ch7-2" not in _keys(stale_sections(briefing=briefing))


def test_a_revision_with_a_later_cutoff_clears_the_section_too(briefing, demo_events, editor, reviewer):
    from briefings.services import revision_create_draft, revision_update

    section = Section.objects.get(briefing=briefing, key="ch4-3")
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"information_as_of": dt.date(2025, 3, 10)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    assert "ch4-3" not in _keys(stale_sections(briefing=briefing))


def test_a_reviewer_dismisses_an_event_with_a_reason(briefing, demo_events, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch2-2")
    event = Event.objects.get(key="2025-02-japan-us-joint-statement-taiwan")
    with pytest.raises(ApplicationError):
        event_dismiss(event_id=event.pk, section_id=section.pk, reason="", actor=reviewer)
    with pytest.raises(ApplicationError):
        event_dismiss(event_id=event.pk, section_id=section.pk, reason="本文で言及済み", actor=editor)
    event_dismiss(event_id=event.pk, section_id=section.pk, reason="脚注18～20で共同声明を引用済み", actor=reviewer)
    assert "ch2-2" not in _keys(stale_sections(briefing=briefing))


def test_a_new_event_that_makes_a_section_stale_emails_its_editors_after_commit(
    briefing, editor, django_capture_on_commit_callbacks
):
    _slug, rows = read_events("- {key: new-one, date: 2025年3月3日, title: 新しい出来事, sections: [ch5-1]}\n", fmt="yaml")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = event_import(briefing_slug="world-2025", rows=rows)
    notifying = [c for c in callbacks if "_notify_on_commit" in c.__qualname__]
    assert len(notifying) == 1 and len(result.newly_stale) == 1  # (the other callbacks drop the stored live state)
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert "ch5-1" in mail.outbox[0].subject and "新しい出来事" in mail.outbox[0].body


def test_linking_an_event_to_a_claim_marks_its_section(briefing, editor):
    _slug, rows = read_events("- {key: claim-level, date: 2025年3月3日, title: 文に関わる出来事}\n", fmt="yaml")
    event_import(briefing_slug="world-2025", rows=rows)
    section = Section.objects.get(briefing=briefing, key="ch6")
    claim = section.revisions.get(status="published").claims.filter(role="body").first()
    event_link(event_id=Event.objects.get(key="claim-level").pk, section_id=section.pk, claim_id=claim.pk, actor=editor)
    [entry] = stale_sections(section_ids=[section.pk])
    assert entry.events[0].claim_id == claim.pk
