"""How current a release is: live information shown beside its frozen text.

Nothing here is part of a release: whether a newer release exists, which
recorded events bear on sections the release has not revised since, which
cited sources have an archived copy. It is computed per request (a handful of
indexed queries) and shown marked as checked now; its ``stamp`` keys the page
cache, so a cached page is reused exactly while none of it has changed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

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


def currency_of(*, release: Release, latest: Release) -> Currency:
    """The live state around ``release``: the newest release and, if it is that one, its unreflected events."""
    currency = Currency(release=release, latest=latest, archive_stamp=_archive_stamp())
    if currency.is_latest:
        currency.pending = _pending_events(release)
    return currency


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
        Source.objects.filter(pk__in=source_ids).exclude(archive_url="").exclude(url="").values_list("url", "archive_url")
    )
