"""How current a release is: live information shown beside its frozen text.

Nothing here is part of a release: whether a newer release exists, which
recorded events bear on sections the release has not revised since, which
cited sources have an archived copy. It is shown marked with the time it was
checked; its ``stamp`` keys the page cache, so a cached page is reused exactly
while none of it has changed.

The newest release is looked up per request (one indexed query). The events
and archives part is kept in the cache for at most ``LIVE_TTL`` seconds under a
generation that every save or delete of an event, its links, coverage or
dismissals, or a source bumps (``releases.receivers``), so readers see a change
at once through the ordinary paths and within ``LIVE_TTL`` through any other
(a bulk update); a busy latest page costs no event queries per request.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from core.dates import today_tokyo
from events.selectors import stale_sections
from releases.models import Release, ReleaseSection
from sources.models import Source


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
    archive_stamp: str = ""
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
        pending = sorted((key, event.key, event.ambiguous) for key, events in self.pending.items() for event in events)
        text = f"{self.latest.pk}|{self.today}|{self.archive_stamp}|{pending}"
        return hashlib.sha256(text.encode()).hexdigest()[:24]


LIVE_TTL = 30
GENERATION_KEY = "live-state-generation"


def currency_of(*, release: Release, latest: Release) -> Currency:
    """The live state around ``release``: the newest release and, if it is that one, its unreflected events."""
    key = f"live-state:{release.pk}:{latest.pk}:{cache.get(GENERATION_KEY, 0)}"
    state = cache.get(key)
    if state is None:
        pending = _pending_events(release) if release.pk == latest.pk else {}
        state = (pending, _archive_stamp(), timezone.now())
        cache.set(key, state, timeout=LIVE_TTL)
    pending, archive_stamp, checked_at = state
    return Currency(release=release, latest=latest, pending=pending, archive_stamp=archive_stamp,
                    checked_at=checked_at)


def live_state_changed() -> None:
    """Make every cached live state stale (events, their links, dismissals or sources changed)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value differs from the keys in use
        cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), timeout=None)


def _pending_events(release: Release) -> dict[str, list[PendingEvent]]:
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


def _archive_stamp() -> str:
    """Changes whenever an archived copy of a source is recorded or changed (Robust Links' version URLs)."""
    row = Source.objects.exclude(archive_url="").aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{row['n']}:{row['last'].isoformat() if row['last'] else ''}"


def archived_copies(*, source_ids: list[int]) -> dict[str, str]:
    """URL → archived copy's URL for the cited sources that have one (live, never frozen)."""
    return dict(
        Source.objects.filter(pk__in=source_ids).exclude(archive_url="").exclude(url="")
        .values_list("url", "archive_url")
    )
