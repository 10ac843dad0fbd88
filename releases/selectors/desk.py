"""The editors' and reviewers' desk: what the admin home page (``config.desk``) shows one user.

It reads all the apps (revisions, events, link health, releases, the scheduler),
so it lives in ``releases``, the top of the layers (``.importlinter``):
``releases -> events -> briefings -> sources -> core``. A fixed number of
queries whatever the number of rows (``tests/admin_desk/test_desk.py``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from briefings.models import RevisionStatus, SectionRevision
from briefings.selectors.labels import revision_label, section_labels, with_chapter_numbers
from core.roles import is_editor, is_reviewer
from core.selectors import SchedulerStatus, scheduler_status
from events.selectors import StaleSection, stale_sections
from releases.models import Release
from sources.models import LinkHealth, LinkStatus

ROWS = 20
"""Rows shown per list; the rest is one click away (each list links to its full change list)."""

DEAD_LINK_STATUSES = (LinkStatus.DEAD, LinkStatus.MOVED)


@dataclass(frozen=True)
class DeskRevision:
    revision: SectionRevision
    label: str
    """「４．（１）ロシア・ウクライナ戦争」 as this revision names its section."""
    overdue: bool = False
    """Scheduled, its time passed, and still not published (the scheduler is not doing its work)."""


@dataclass(frozen=True)
class DeskStale:
    entry: StaleSection
    label: str


@dataclass
class Desk:
    now: dt.datetime
    is_editor: bool
    is_reviewer: bool
    my_drafts: list[DeskRevision] = field(default_factory=list)
    to_review: list[DeskRevision] = field(default_factory=list)
    """Reviewers: submitted by others (four eyes: not the ones they wrote or changed), oldest first."""
    my_submitted: list[DeskRevision] = field(default_factory=list)
    """Editors: their own revisions waiting for a reviewer, oldest first."""
    rejected: list[DeskRevision] = field(default_factory=list)
    scheduled: list[DeskRevision] = field(default_factory=list)
    stale: list[DeskStale] = field(default_factory=list)
    dead_links: list[LinkHealth] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    scheduler: SchedulerStatus | None = None

    @property
    def overdue_count(self) -> int:
        return sum(row.overdue for row in self.scheduled)


def _revisions() -> QuerySet[SectionRevision]:
    return with_chapter_numbers(SectionRevision.objects.select_related("section__briefing", "author", "reviewed_by"))


def _rows(queryset: QuerySet[SectionRevision]) -> list[DeskRevision]:
    return [DeskRevision(revision, revision_label(revision), bool(getattr(revision, "overdue", False)))
            for revision in queryset[:ROWS]]


def _mine(user: Any) -> Q:
    """Revisions the user wrote or changed."""
    return Q(author=user) | Q(pk__in=SectionRevision.contributors.through.objects.filter(user=user).values("revision"))


def desk_for(*, user: Any, now: dt.datetime | None = None) -> Desk:
    """Gather the desk of ``user``: their work, what waits for them, and what needs attention.

    Editors see their drafts, their revisions waiting for review and those
    rejected back to them with the comment; reviewers see what others submitted
    (never what they wrote or changed: four eyes). Everyone on the desk sees
    the scheduled revisions (overdue ones flagged), stale sections, dead links,
    the last releases and, when it is not running, the scheduler's status.
    """
    now = now or timezone.now()
    desk = Desk(now=now, is_editor=is_editor(user), is_reviewer=is_reviewer(user))
    mine = _mine(user)
    if desk.is_editor:
        desk.my_drafts = _rows(_revisions().filter(mine, status=RevisionStatus.DRAFT).order_by("-updated_at", "-pk"))
        desk.my_submitted = _rows(
            _revisions().filter(mine, status=RevisionStatus.SUBMITTED).order_by("submitted_at", "pk")
        )
        desk.rejected = _rows(_revisions().filter(mine, status=RevisionStatus.REJECTED).order_by("-reviewed_at", "-pk"))
    if desk.is_reviewer:
        desk.to_review = _rows(
            _revisions().filter(status=RevisionStatus.SUBMITTED).exclude(mine).order_by("submitted_at", "pk")
        )
    desk.scheduled = _rows(
        _revisions().filter(status=RevisionStatus.SCHEDULED)
        .annotate(overdue=Case(When(publish_at__lte=now, then=Value(True)), default=Value(False),
                               output_field=BooleanField()))
        .order_by("publish_at", "pk")
    )
    stale = stale_sections()[:ROWS]
    labels = section_labels(section_ids={entry.section.pk for entry in stale}) if stale else {}
    desk.stale = [DeskStale(entry, labels.get(entry.section.pk, entry.section.key)) for entry in stale]
    desk.dead_links = list(
        LinkHealth.objects.filter(status__in=DEAD_LINK_STATUSES).select_related("source")
        .order_by("-consecutive_failures", "source_id")[:ROWS]
    )
    desk.releases = list(Release.objects.select_related("briefing").order_by("-published_at", "-pk")[:5])
    desk.scheduler = scheduler_status(now=now)
    return desk
