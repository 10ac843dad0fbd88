"""The live state of a briefing, stored once per change (``releases.models.LiveState``).

Every save or delete of an event, its links, coverage or dismissals, or a
source deletes the rows (``releases.receivers``), and so does a publication;
the next reader computes the row again. A row is never trusted past
``valid_until``: at most ``LIVE_TTL`` seconds (a change made past the signals,
such as a bulk update), and never past the moment a release scheduled for
later becomes public.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from briefings.models import Briefing
from releases.models import LiveState, Release, ReleaseRendering
from releases.selectors.currency import pending_events
from releases.services.rendering import RENDER_VERSION
from sources.models import Source

LIVE_TTL = 30


def live_state_refresh(*, briefing: Briefing | int) -> LiveState | None:
    """Compute the briefing's live state (with its latest release) and store it; None before any release.

    Called when a page found no valid stored state
    (``releases.selectors.pages.release_for_page``).
    """
    now = timezone.now()
    releases = Release.objects.of(briefing)
    latest = releases.published(now=now).newest_first().select_related("briefing").first()
    if latest is None:
        return None
    pending = pending_events(latest)
    labels = {}
    if pending:
        meta = ReleaseRendering.objects.filter(release=latest, version=RENDER_VERSION).values_list(
            "page_meta", flat=True).first() or {}
        labels = {key: meta.get("labels", {}).get(key, key) for key in pending}
    archived = dict(Source.objects.exclude(archive_url="").exclude(url="").order_by("pk").values_list("url", "archive_url"))
    scheduled = releases.filter(published_at__gt=now).order_by("published_at").values_list("published_at", flat=True).first()
    expires = now + dt.timedelta(seconds=LIVE_TTL)
    content = {"events": {key: [[e.key, e.title, e.date_display, e.ambiguous] for e in events]
                          for key, events in pending.items()}, "labels": labels}
    fingerprint = json.dumps([latest.pk, content, sorted(archived.items())], ensure_ascii=False, sort_keys=True)
    row = LiveState(
        briefing_id=latest.briefing_id, latest=latest, pending=content, archived=archived,
        stamp=hashlib.sha256(fingerprint.encode()).hexdigest()[:24], computed_at=now,
        valid_until=min(expires, scheduled) if scheduled else expires,
    )
    LiveState.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["briefing"],
        update_fields=["latest", "pending", "archived", "stamp", "computed_at", "valid_until"],
    )
    return row


def live_state_changed() -> None:
    """Make every stored live state stale (events, their links, dismissals, sources or releases changed).

    At once and again after commit: a reader in between may store the old
    state, which the second deletion (or ``LIVE_TTL``) drops.
    """
    LiveState.objects.all().delete()
    transaction.on_commit(lambda: LiveState.objects.all().delete())
