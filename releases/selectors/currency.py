"""How current a release is: live information shown beside its frozen text.

Nothing here is part of a release: whether a newer release exists, which
recorded events bear on sections the release has not revised since, which
cited sources have an archived copy. It is shown marked with the time it was
checked; its ``stamp`` keys the page cache, so a cached page is reused exactly
while none of it has changed.

It is computed once per change, not per request, and stored per briefing in
one ``LiveState`` row (``releases.services.live``): a page reads it in one
query and ``currency_of`` turns it into what the page shows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from core.dates import today_tokyo
from events.selectors import stale_sections
from releases.models import LiveState, Release, ReleaseSection


@dataclass(frozen=True)
class PendingEvent:
    """An event recorded after the cutoff of a section the release shows, not reflected in it yet."""

    key: str
    title: str
    date_display: str
    ambiguous: bool
    """Its precision straddles the section's cutoff (「2025年2月」 against 2025-02-09)."""


@dataclass
class Currency:
    release: Release
    latest: Release
    pending: dict[str, list[PendingEvent]] = field(default_factory=dict)
    """Section key → events bearing on it, for the latest release only (empty for older ones)."""
    labels: dict[str, str] = field(default_factory=dict)
    """Section key → how readers name it, for the sections in ``pending``."""
    archived: dict[str, str] = field(default_factory=dict)
    """A cited URL → the URL of its archived copy (Robust Links' version URL)."""
    live_stamp: str = ""
    today: dt.date = field(default_factory=today_tokyo)
    checked_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def is_latest(self) -> bool:
        return self.release.pk == self.latest.pk

    @property
    def event_count(self) -> int:
        """Distinct events (one bearing on two sections counts once)."""
        return len({event.key for events in self.pending.values() for event in events})

    @property
    def stamp(self) -> str:
        """A fingerprint of everything live the page shows (the page cache's key)."""
        return f"{self.live_stamp}:{self.today.isoformat()}"


def currency_of(*, release: Release, state: LiveState) -> Currency:
    """The live state around ``release``: the newest release and, if it is that one, its unreflected events."""
    assert state.latest is not None
    is_latest = state.latest_id == release.pk
    pending = {
        key: [PendingEvent(*event) for event in events] for key, events in state.pending.get("events", {}).items()
    } if is_latest else {}
    return Currency(
        release=release, latest=state.latest, pending=pending,
        labels=state.pending.get("labels", {}) if is_latest else {}, archived=state.archived,
        live_stamp=state.stamp, checked_at=state.computed_at,
    )


def pending_events(release: Release) -> dict[str, list[PendingEvent]]:
    """Events after the cutoff of sections whose revision in ``release`` is still the published one.

    The staleness rules are the events app's (``stale_sections``: not covered
    by the revision, not dismissed by a reviewer, dated after its cutoff or
    straddling it); a section already revised by a release not yet public is
    left out, as that release will say.
    """
    shown = dict(ReleaseSection.objects.filter(release=release).values_list("section_id", "revision_id"))
    pending: dict[str, list[PendingEvent]] = {}
    for stale in stale_sections(briefing=release.briefing, section_ids=list(shown)):
        if shown.get(stale.section.pk) != stale.revision.pk:
            continue
        pending[stale.section.key] = [
            PendingEvent(item.event.key, item.event.title, item.event.date_display, item.is_ambiguous)
            for item in stale.events
        ]
    return pending
