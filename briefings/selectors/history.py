"""The as-of query: the only code that knows how briefing history is stored.

* ``release_as_of`` is one index seek on ``release_as_of`` (briefing,
  -published_at, -number) for the newest release published at or before a
  moment, never a scan of revisions.
* ``snapshot_for_release`` reads a release's frozen manifest and the immutable
  revisions it names in a constant number of queries, whatever the number of
  revisions a section has accumulated.

Releases published "in the future" (a clock set ahead, a back-dated import of a
later date) are never returned: everything here is bounded by ``now``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from briefings.markup import plain_note_text
from briefings.models import (
    Briefing,
    Citation,
    Claim,
    ClaimRole,
    Footnote,
    FootnoteReference,
    Release,
    ReleaseSection,
)
from core.dates import end_of_day_tokyo
from sources.models import Source


@dataclass(frozen=True)
class SnapshotRef:
    key: str
    number: int
    offset: int


@dataclass(frozen=True)
class SnapshotClaim:
    id: int
    text: str
    refs: tuple[SnapshotRef, ...]


@dataclass
class SnapshotSection:
    key: str
    number: str
    heading: SnapshotClaim | None
    level: int
    parent: str | None
    revision: int
    information_as_of: dt.date
    paragraphs: list[list[SnapshotClaim]] = field(default_factory=list)

    @property
    def heading_text(self) -> str:
        return self.heading.text if self.heading else ""


@dataclass(frozen=True)
class SnapshotCitation:
    source: Source
    locator: str


@dataclass
class SnapshotFootnote:
    number: int
    key: str
    source_text: str
    """The note in the editing format (cross-references as ``[[fn:key]]``)."""
    text: str
    """The note as readers see it, cross-references replaced by numbers."""
    citations: list[SnapshotCitation]
    section_key: str


@dataclass
class Snapshot:
    briefing: Briefing
    release: Release
    sections: list[SnapshotSection]
    footnotes: list[SnapshotFootnote]
    numbers: dict[str, int]

    @property
    def information_as_of(self) -> dt.date:
        return self.release.information_as_of


def _published(briefing: Briefing, *, now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    return Release.objects.filter(briefing=briefing, published_at__lte=now or timezone.now()).select_related(
        "briefing"
    )


def release_as_of(*, briefing: Briefing, at: dt.datetime) -> Release | None:
    """Return the release in force at ``at`` (the newest published at or before it)."""
    bound = min(at, timezone.now())
    return _published(briefing, now=bound).order_by("-published_at", "-number").first()


def release_as_of_date(*, briefing: Briefing, day: dt.date) -> Release | None:
    """Return the release in force at the end of ``day`` in Asia/Tokyo."""
    return release_as_of(briefing=briefing, at=end_of_day_tokyo(day))


def release_latest(*, briefing: Briefing) -> Release | None:
    return _published(briefing).order_by("-published_at", "-number").first()


def release_by_number(*, briefing: Briefing, number: int) -> Release | None:
    return _published(briefing).filter(number=number).first()


def release_first(*, briefing: Briefing) -> Release | None:
    return _published(briefing).order_by("published_at", "number").first()


def release_next(*, release: Release) -> Release | None:
    """Return the release published after ``release``, if one is already public."""
    return (
        _published(release.briefing)
        .filter(number__gt=release.number)
        .order_by("published_at", "number")
        .first()
    )


def release_list(*, briefing: Briefing) -> list[Release]:
    return list(_published(briefing).order_by("-number"))


def snapshot_for_release(*, release: Release) -> Snapshot:
    """Build the full content of ``release`` in five queries."""
    entries = list(
        ReleaseSection.objects.filter(release=release)
        .select_related("section__parent", "revision")
        .order_by("position")
    )
    revision_ids = [entry.revision_id for entry in entries]
    numbers: dict[str, int] = dict(release.footnote_numbers)

    claims_by_revision: dict[int, list[Claim]] = defaultdict(list)
    for claim in Claim.objects.filter(revision_id__in=revision_ids).order_by("revision_id", "position"):
        claims_by_revision[claim.revision_id].append(claim)

    refs_by_claim: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for claim_id, offset, key in (
        FootnoteReference.objects.filter(claim__revision_id__in=revision_ids)
        .order_by("claim_id", "offset", "pk")
        .values_list("claim_id", "offset", "footnote__key")
    ):
        refs_by_claim[claim_id].append((offset, key))

    notes = list(Footnote.objects.filter(revision_id__in=revision_ids))
    citations_by_note: dict[int, list[SnapshotCitation]] = defaultdict(list)
    for citation in (
        Citation.objects.filter(footnote__revision_id__in=revision_ids)
        .select_related("source")
        .order_by("footnote_id", "position")
    ):
        citations_by_note[citation.footnote_id].append(SnapshotCitation(citation.source, citation.locator))

    section_key_by_revision = {entry.revision_id: entry.section.key for entry in entries}
    sections: list[SnapshotSection] = []
    for entry in entries:
        revision = entry.revision
        section = SnapshotSection(
            key=entry.section.key,
            number=revision.number,
            heading=None,
            level=1 if entry.section.parent_id is None else 2,
            parent=entry.section.parent.key if entry.section.parent_id else None,
            revision=revision.pk,
            information_as_of=revision.information_as_of,
        )
        for claim in claims_by_revision[revision.pk]:
            view = SnapshotClaim(
                id=claim.pk,
                text=claim.text,
                refs=tuple(
                    SnapshotRef(key, numbers[key], offset)
                    for offset, key in refs_by_claim[claim.pk]
                    if key in numbers
                ),
            )
            if claim.role == ClaimRole.HEADING:
                section.heading = view
                continue
            while len(section.paragraphs) <= claim.paragraph:
                section.paragraphs.append([])
            section.paragraphs[claim.paragraph].append(view)
        section.paragraphs = [p for p in section.paragraphs if p]
        sections.append(section)

    footnotes = sorted(
        (
            SnapshotFootnote(
                number=numbers[note.key],
                key=note.key,
                source_text=note.text,
                text=plain_note_text(note.text, numbers),
                citations=citations_by_note[note.pk],
                section_key=section_key_by_revision[note.revision_id],
            )
            for note in notes
            if note.key in numbers
        ),
        key=lambda note: note.number,
    )
    return Snapshot(release.briefing, release, sections, footnotes, numbers)
