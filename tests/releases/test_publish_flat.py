"""Publishing costs the same number of queries whatever the length of the history.

A briefing updated after every event reaches thousands of releases; if a
publication read every earlier release or revision (or asked once per one),
editors would wait longer every year. The same change is published at release
2 and at release 6, by the reviewer's approval and by the importer's service,
and must take exactly as many queries both times (``scripts/bench --scale``
times one at 5,000 releases).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.bulk import Drafts
from briefings.models import Briefing, Section
from briefings.services.revisions import revision_create_draft
from briefings.services.transitions import revision_transition, revisions_approve, revisions_publish_import
from briefings.workflow import Action
from core.dates import to_tokyo
from releases.models import Release

pytestmark = pytest.mark.django_db


def _approving(briefing: Briefing, editor, reviewer) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    def publish() -> None:
        """Draft every section, submit the drafts, and time the reviewer's approval of all of them."""
        drafts = [revision_create_draft(section=section, actor=editor, change_summary="更新")
                  for section in Section.objects.filter(briefing=briefing).order_by("position")]
        for draft in drafts:
            revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
        with CaptureQueriesContext(connection) as queries:
            revisions_approve(revision_ids=[draft.pk for draft in drafts], actor=reviewer, release_note="更新")
        counts.append(len(queries))

    counts: list[int] = []
    publish.counts = counts  # type: ignore[attr-defined]
    return publish


def _importing(briefing: Briefing, editor, reviewer) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    drafts = Drafts(briefing=briefing)

    def publish() -> None:
        """Make a draft of every section and time publishing them as the importer does."""
        latest = Release.objects.filter(briefing=briefing).order_by("-number").first()
        assert latest is not None
        when = max(to_tokyo(latest.published_at) + dt.timedelta(seconds=1), to_tokyo(timezone.now()))
        revisions = drafts.make(when=when - dt.timedelta(days=1), summary="更新")
        with CaptureQueriesContext(connection) as queries:
            revisions_publish_import(revisions=revisions, actor=None, published_at=when,
                                     information_as_of=when.date(), summary="更新")
        counts.append(len(queries))

    counts: list[int] = []
    publish.counts = counts  # type: ignore[attr-defined]
    return publish


@pytest.mark.parametrize("path", [_approving, _importing], ids=["approval", "import"])
def test_publishing_takes_as_many_queries_at_release_6_as_at_release_2(
    small_briefing: Briefing, editor, reviewer, path  # type: ignore[no-untyped-def]
) -> None:
    # given the briefing as release 1
    publish = path(small_briefing, editor, reviewer)
    # when every section is changed and published five times over
    for _ in range(5):
        publish()
    # then the sixth release took exactly the queries of the second
    assert Release.objects.filter(briefing=small_briefing).count() == 6
    counts = publish.counts
    assert counts[-1] == counts[0], counts
    assert len(set(counts)) == 1, counts
