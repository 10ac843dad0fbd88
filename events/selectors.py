"""Reads of events: staleness of sections, the timeline, a section's events."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from briefings.markup import without_marks
from briefings.models import Briefing, RevisionStatus, Section, SectionRevision
from briefings.selectors.review import ReviewPanel
from events.models import Event, EventDismissal, EventLink, EventSource, RevisionEvent

AFTER = "after"
AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class StaleEvent:
    event: Event
    relation: str
    """"after" the cutoff, or "ambiguous" (its precision straddles the cutoff)."""
    claim_id: int | None

    @property
    def is_ambiguous(self) -> bool:
        return self.relation == AMBIGUOUS


@dataclass
class StaleSection:
    section: Section
    revision: SectionRevision
    events: list[StaleEvent] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)
    """Open drafts of the section already covering at least one of the events."""

    @property
    def cutoff(self) -> dt.date:
        return self.revision.information_as_of

    @property
    def since(self) -> dt.date:
        """The earliest date on which the section could have become out of date."""
        return min(max(item.event.occurred_on, self.cutoff) for item in self.events)

    @property
    def only_ambiguous(self) -> bool:
        return all(item.is_ambiguous for item in self.events)


def stale_sections(*, briefing: Briefing | None = None, section_ids: list[int] | None = None) -> list[StaleSection]:
    """Sections whose published revision predates an event linked to them.

    An event counts when it is dated after the revision's information cutoff,
    or is ambiguous against it (「2025年2月」 against 2025-02-09), and the
    published revision does not cover it and no reviewer dismissed it for that
    section. Five queries whatever the number of events.
    """
    revisions = SectionRevision.objects.current().select_related(
        "section__briefing", "section__parent"
    )
    if briefing is not None:
        revisions = revisions.filter(section__briefing=briefing)
    if section_ids is not None:
        revisions = revisions.filter(section_id__in=section_ids)
    published = {revision.section_id: revision for revision in revisions}
    if not published:
        return []
    links = EventLink.objects.filter(section_id__in=published).select_related("event")
    covered = set(
        RevisionEvent.objects.filter(revision_id__in=[r.pk for r in published.values()]).values_list(
            "revision__section_id", "event_id"
        )
    )
    dismissed = set(EventDismissal.objects.filter(section_id__in=published).values_list("section_id", "event_id"))
    drafts: dict[tuple[int, int], list[int]] = defaultdict(list)
    for section_id, event_id, revision_id in RevisionEvent.objects.filter(
        revision__section_id__in=published, revision__status__in=[RevisionStatus.DRAFT, RevisionStatus.SUBMITTED]
    ).values_list("revision__section_id", "event_id", "revision_id"):
        drafts[(section_id, event_id)].append(revision_id)

    stale: dict[int, StaleSection] = {}
    for link in links:
        revision = published[link.section_id]
        key = (link.section_id, link.event_id)
        if key in covered or key in dismissed:
            continue
        relation = link.event.relation_to(revision.information_as_of)
        if relation == "before":
            continue
        entry = stale.setdefault(link.section_id, StaleSection(revision.section, revision))
        entry.events.append(StaleEvent(link.event, relation, link.claim_id))
        for draft_id in drafts.get(key, []):
            if draft_id not in entry.drafts:
                entry.drafts.append(draft_id)
    for entry in stale.values():
        entry.events.sort(key=lambda item: (item.event.occurred_on, item.event.key))
    return sorted(stale.values(), key=lambda entry: (entry.section.briefing_id, entry.section.position))


def event_list() -> QuerySet[Event]:
    """Events with their tags, sources and sections prefetched (three extra queries)."""
    return Event.objects.prefetch_related(
        "tags",
        Prefetch("event_sources", queryset=EventSource.objects.select_related("source").order_by("position")),
        Prefetch("links", queryset=EventLink.objects.select_related("section__briefing").order_by("section__position")),
    ).order_by("occurred_on", "key")


def section_labels(section_ids: set[int]) -> dict[int, str]:
    """Number and heading of each section's published revision (「（２）台湾情勢」), in one query."""
    rows = SectionRevision.objects.current().filter(section_id__in=section_ids).values_list(
        "section_id", "number", "heading"
    )
    return {section_id: f"{number}{without_marks(heading)}" for section_id, number, heading in rows}


def events_in_range(
    queryset: QuerySet[Event], *, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[Event]:
    """Events that may fall within [since, until]: a month-precision event overlapping counts."""
    if since is not None:
        queryset = queryset.filter(latest_on__gte=since)
    if until is not None:
        queryset = queryset.filter(occurred_on__lte=until)
    return queryset


def events_tagged(queryset: QuerySet[Event], tags: list[str]) -> QuerySet[Event]:
    for tag in tags:
        queryset = queryset.filter(Q(tags__name=tag))
    return queryset.distinct()


def covered_events_panel(revision: SectionRevision) -> ReviewPanel:
    """The events a revision covers, oldest first, for its review page (with their dates)."""
    events = list(
        Event.objects.filter(covered_by__revision=revision).order_by("occurred_on", "pk")
    )
    return ReviewPanel(template="admin/events/_covered_events.html",
                       context={"events": events, "revision": revision})
