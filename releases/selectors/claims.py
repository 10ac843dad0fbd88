"""One sentence across releases: where its stable anchor appears, what it cites, which events bear on it.

The sentence, its notes and sources are read from a frozen artefact; which
releases show it from its span (``ClaimSpan``, kept by the publisher), or, when
that is not usable, from the anchor index (``ClaimAnchor``) joined with the
manifests. Events linked to it are live information, shown as such.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef

from briefings.models import Briefing
from briefings.selectors.content import SnapshotClaim, SnapshotFootnote
from events.models import EventLink
from releases.models import ClaimAnchor, ClaimSpan, Release
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
    it (one stored row), the first and last releases, the artefact, the next
    release, the events: the same number and the same index seeks whatever the
    length of the history.
    """
    if number is not None and not 0 < number <= MAX_NUMBER:
        return None
    span = _stored_span(briefing=briefing, anchor=anchor)
    by_number = _releases(briefing, {span[0], span[1], number} if span else set())
    if span is None or span[1] not in by_number:
        # No span, or its last release is not public yet (published ahead of this server's clock): aggregate
        # what is public. A span's releases before its public last one are public too (numbers follow time).
        span = _public_span(briefing=briefing, anchor=anchor)
        if span is None:
            return None
        by_number = _releases(briefing, {span[0], span[1], number})
    first, last_number, count = span
    if number is not None and number not in by_number:
        return None
    shown = artefact_of(release=by_number[number or last_number])
    content = shown.content
    for section in content.sections:
        claim = next((c for paragraph in section.paragraphs for c in paragraph if c.anchor == anchor), None)
        if claim is not None:
            break
    else:
        return None  # release ``number`` does not show the sentence
    keys = {ref.key for ref in claim.refs}
    last = by_number[last_number]
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
        first=by_number[first],
        last=last,
        count=count,
        changed_in=changed_in,
        footnotes=[note for note in content.footnotes if note.key in keys],
        numbers=content.numbers,
        access_date=dt.date.fromisoformat(shown.document["access_date"]) if shown.document.get("access_date") else None,
        # the links of the briefing's sentences (a few per event), each looked up in the anchor index by its claim
        claim_events=list(links.filter(section__briefing=briefing).filter(
            Exists(ClaimAnchor.objects.filter(claim_id=OuterRef("claim_id"), anchor=anchor))
        )),
        section_events=list(links.filter(section__key=section.key, section__briefing=briefing, claim__isnull=True)),
    )


def _stored_span(*, briefing: Briefing, anchor: str) -> tuple[int, int, int] | None:
    """``(first, last, count)`` as the publisher extended it (``ClaimSpan``): one row, however long the history."""
    return (
        ClaimSpan.objects.filter(briefing=briefing, anchor=anchor).values_list("first", "last", "count").first()
    )


def _public_span(*, briefing: Briefing, anchor: str) -> tuple[int, int, int] | None:
    """``(first, last, count)`` of the public releases showing the sentence, aggregated from the anchor index."""
    # A sentence unchanged for years is in thousands of revisions: its anchor rows stay in the database
    # (a subquery), never a list in Python or an IN list of ids.
    anchored = ClaimAnchor.objects.filter(briefing=briefing, anchor=anchor).values("revision_id")
    span = (
        Release.objects.of(briefing).published().filter(entries__revision_id__in=anchored)
        .aggregate(first=Min("number"), last=Max("number"), count=Count("pk", distinct=True))
    )
    return (span["first"], span["last"], span["count"]) if span["count"] else None


def indexed_spans(*, briefing_id: int) -> dict[str, tuple[int, int, int]]:
    """Anchor → ``(first, last, count)`` of every release of the briefing (public or not), from the anchor index.

    What ``ClaimSpan`` must hold: one aggregate over the whole history, for
    ``verify_releases``, never for a reader.
    """
    rows = (
        ClaimAnchor.objects.filter(briefing_id=briefing_id, revision__release_entries__isnull=False)
        .values("anchor")
        .annotate(
            first=Min("revision__release_entries__release__number"),
            last=Max("revision__release_entries__release__number"),
            count=Count("revision__release_entries__release", distinct=True),
        )
        .order_by()
    )
    return {row["anchor"]: (row["first"], row["last"], row["count"]) for row in rows.iterator()}


def _releases(briefing: Briefing, numbers: set[int | None]) -> dict[int, Release]:
    """The public releases of ``briefing`` numbered ``numbers``, by number (one query)."""
    wanted = {number for number in numbers if number is not None}
    if not wanted:
        return {}
    return {
        release.number: release
        for release in Release.objects.of(briefing).published().filter(number__in=wanted).select_related("briefing")
    }
