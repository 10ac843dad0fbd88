"""Scheduled publishing with a frozen clock: invisible before, one release once after."""
import datetime as dt
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from briefings.models import RevisionStatus, Section, SectionRevision
from releases.selectors.history import release_latest
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from briefings.services.transitions import revision_publish_due
from releases.models import Release


def test_a_scheduled_revision_is_published_once_when_due(briefing, editor, reviewer, capsys):
    # given: a revision approved for tomorrow 09:00
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。予約。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    due = timezone.now() + dt.timedelta(days=1)
    revision_transition(revision_id=draft.pk, action=Action.SCHEDULE, actor=reviewer, publish_at=due)
    # when: before it is due
    assert revision_publish_due() == []
    assert release_latest(briefing=briefing).number == 1
    # when: the clock passes the time, twice
    later = due + dt.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        first = revision_publish_due()
        second = revision_publish_due()
        call_command("publish_due")
    # then
    assert first == [draft.pk] and second == []
    assert "nothing due" in capsys.readouterr().out
    assert Release.objects.filter(briefing=briefing).count() == 2
    release = Release.objects.get(briefing=briefing, number=2)
    assert release.published_at == later
    assert SectionRevision.objects.get(pk=draft.pk).status == RevisionStatus.PUBLISHED
