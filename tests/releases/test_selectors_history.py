"""The as-of query: Tokyo day boundaries, immutability, constant query counts."""
import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.models import RevisionStatus, Section, SectionRevision
from releases.selectors.history import artefact_of, release_as_of_date, release_latest
from briefings.services import Action, RevisionNotEditable, revision_create_draft, revision_transition, revision_update
from briefings.markup import parse_revision
from briefings.services.content import revision_write_content
from releases.models import Release

TOKYO = ZoneInfo("Asia/Tokyo")


def _publish_edit(*, section, editor, reviewer, body_suffix, published_at):
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。" + body_suffix, 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    with mock.patch("django.utils.timezone.now", return_value=published_at.astimezone(dt.timezone.utc)):
        revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    return draft


@pytest.mark.parametrize(
    ("published_local", "visible_on_the_9th"),
    [
        (dt.datetime(2025, 3, 9, 23, 30, tzinfo=TOKYO), True),
        (dt.datetime(2025, 3, 10, 0, 30, tzinfo=TOKYO), False),
    ],
)
def test_as_of_a_date_means_the_end_of_that_day_in_tokyo(briefing, editor, reviewer, published_local, visible_on_the_9th):
    # given: release 2 published late on 9 March or just after midnight (15:30 UTC on the 9th in both cases)
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    _publish_edit(section=section, editor=editor, reviewer=reviewer, body_suffix="追記。", published_at=published_local)
    # when
    release = release_as_of_date(briefing=briefing, day=dt.date(2025, 3, 9))
    # then
    assert release.number == (2 if visible_on_the_9th else 1)
    assert release_as_of_date(briefing=briefing, day=dt.date(2025, 3, 10)).number == 2


def test_as_of_before_the_first_release_finds_nothing(briefing):
    assert release_as_of_date(briefing=briefing, day=dt.date(2025, 2, 8)) is None
    assert release_as_of_date(briefing=briefing, day=dt.date(2025, 2, 9)).number == 1


def test_a_release_dated_in_the_future_is_never_in_force(briefing, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    _publish_edit(section=section, editor=editor, reviewer=reviewer, body_suffix="未来。",
                  published_at=dt.datetime(2099, 1, 1, tzinfo=TOKYO))
    assert release_latest(briefing=briefing).number == 1
    assert release_as_of_date(briefing=briefing, day=dt.date(2099, 12, 31)).number == 1


def test_old_releases_keep_their_text_after_a_new_release(briefing, editor, reviewer):
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    _publish_edit(section=section, editor=editor, reviewer=reviewer, body_suffix="新しい文。",
                  published_at=dt.datetime(2025, 3, 10, 12, tzinfo=TOKYO))
    old = artefact_of(release=Release.objects.get(briefing=briefing, number=1)).content
    new = artefact_of(release=Release.objects.get(briefing=briefing, number=2)).content
    old_text = "".join(c.text for s in old.sections for p in s.paragraphs for c in p)
    new_text = "".join(c.text for s in new.sections for p in s.paragraphs for c in p)
    assert "新しい文。" not in old_text and "新しい文。" in new_text
    assert old.numbers == new.numbers  # the numbering of release 1 is frozen
    assert SectionRevision.objects.filter(section=section, status=RevisionStatus.PUBLISHED).count() == 1
    assert SectionRevision.objects.filter(section=section, status=RevisionStatus.SUPERSEDED).count() == 1


def test_published_revisions_cannot_be_edited(briefing, editor):
    published = SectionRevision.objects.get(section__key="ch1", status=RevisionStatus.PUBLISHED)
    with pytest.raises(RevisionNotEditable) as error:
        revision_update(revision_id=published.pk, actor=editor, data={"body": "書き換え。"})
    assert "編集できません" in error.value.message
    with pytest.raises(RevisionNotEditable):
        revision_write_content(revision=published, parsed=parse_revision(heading="x", body="y。"))
    published.refresh_from_db()
    assert "書き換え" not in published.body and published.claims.count() > 0


def test_snapshot_query_count_does_not_grow_with_revisions(briefing, editor, reviewer):
    # given
    release = release_latest(briefing=briefing)
    with CaptureQueriesContext(connection) as before:
        artefact_of(release=release).content
    section = Section.objects.get(briefing=briefing, key="ch2-1")
    for day in range(10, 16):
        _publish_edit(section=section, editor=editor, reviewer=reviewer, body_suffix=f"{day}日の追記。",
                      published_at=dt.datetime(2025, 3, day, tzinfo=TOKYO))
    latest = release_latest(briefing=briefing)
    # when
    with CaptureQueriesContext(connection) as after:
        frozen = artefact_of(release=latest)
        assert frozen.content.sections
    # then: one query, read from the frozen artefact
    assert frozen.release.number == 7
    assert len(after.captured_queries) == len(before.captured_queries) == 1
