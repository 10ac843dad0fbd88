"""One sentence across releases: where its stable anchor appears, what it cites, which events bear on it.

The sentence, its notes and sources are read from a frozen artefact; which
releases show it from the anchor index (``ClaimAnchor``) joined with the
manifests. Events linked to it are live information, shown as such.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from briefings.models import Briefing
from briefings.selectors.content import SnapshotClaim, SnapshotFootnote
from events.models import EventLink
from releases.models import ClaimAnchor, Release
from releases.selectors.history import MAX_NUMBER, Frozen, artefact_of, section_labels


@dataclass
class ClaimView:
    anchor: str
    section_key: str
    section_label: str
    claim: SnapshotClaim
    shown: Frozen
    """The release whose text is shown: the one asked for, else the last showing the sentence."""
    first: Release
    last: Release
    count: int
    """How many public releases show the sentence."""
    changed_in: Release | None
    """The release after ``last`` (where the sentence was changed or removed), if any."""
    footnotes: list[SnapshotFootnote]
    numbers: dict[str, int]
    access_date: dt.date | None
    claim_events: list[EventLink]
    section_events: list[EventLink]


def claim_view(*, briefing: Briefing, anchor: str, number: int | None = None) -> ClaimView | None:
    """The sentence with ``anchor`` in ``briefing``, or ``None`` if no public release shows it.

    ``number``: show it as release ``number`` has it (``None`` if that release
    does not show it is the caller's 404). Queries: the span of releases showing
    it, the first and last releases, the artefact, the events: the same number
    and the same index walks whatever the length of the history.
    """
    if number is not None and not 0 < number <= MAX_NUMBER:
        return None
    # A sentence unchanged for years is in thousands of revisions: its anchor rows stay in the database
    # (subqueries), never a list in Python or an IN list of ids.
    anchored = ClaimAnchor.objects.filter(briefing=briefing, anchor=anchor)
    releases = Release.objects.of(briefing).published().filter(entries__revision_id__in=anchored.values("revision_id"))
    span = releases.aggregate(first=Min("number"), last=Max("number"), count=Count("pk", distinct=True))
    if not span["count"]:
        return None
    by_number = {
        release.number: release
        for release in Release.objects.of(briefing).published()
        .filter(number__in={span["first"], span["last"], *([number] if number else [])})
        .select_related("briefing")
    }
    if number is not None and (number not in by_number or not releases.filter(number=number).exists()):
        return None
    shown = artefact_of(release=by_number[number or span["last"]])
    content = shown.content
    for section in content.sections:
        claim = next((c for paragraph in section.paragraphs for c in paragraph if c.anchor == anchor), None)
        if claim is not None:
            break
    else:
        return None
    keys = {ref.key for ref in claim.refs}
    last = by_number[span["last"]]
    changed_in = (
        Release.objects.of(briefing).published().filter(number__gt=last.number).order_by("number").first()
    )
    links = EventLink.objects.select_related("event").order_by("event__occurred_on", "event__key")
    return ClaimView(
        anchor=anchor,
        section_key=section.key,
        section_label=section_labels(content)[section.key],
        claim=claim,
        shown=shown,
        first=by_number[span["first"]],
        last=last,
        count=span["count"],
        changed_in=changed_in,
        footnotes=[note for note in content.footnotes if note.key in keys],
        numbers=content.numbers,
        access_date=dt.date.fromisoformat(shown.document["access_date"]) if shown.document.get("access_date") else None,
        claim_events=list(links.filter(claim_id__in=anchored.values("claim_id"))),
        section_events=list(links.filter(section__key=section.key, section__briefing=briefing, claim__isnull=True)),
    )
