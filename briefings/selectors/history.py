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
    Section,
    SectionRevision,
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
    pairs = [(entry.section, entry.revision) for entry in entries]
    sections, footnotes = _assemble(pairs, dict(release.footnote_numbers))
    return Snapshot(release.briefing, release, sections, footnotes, dict(release.footnote_numbers))


@dataclass
class Preview:
    """A revision as readers would see it if it were published now."""

    briefing: Briefing
    base_release: Release | None
    section: SnapshotSection
    footnotes: list[SnapshotFootnote]
    numbers: dict[str, int]
    duplicate_keys: list[str]


def footnote_numbering(revision_ids: list[int]) -> tuple[dict[str, int], list[str]]:
    """Number footnotes 1..N in reading order across ``revision_ids`` (in manifest order).

    Returns the numbering and the keys referenced from more than one revision
    (which publishing refuses). One query.
    """
    order = {revision_id: index for index, revision_id in enumerate(revision_ids)}
    rows = FootnoteReference.objects.filter(claim__revision_id__in=revision_ids).values_list(
        "claim__revision_id", "claim__position", "offset", "pk", "footnote__key"
    )
    numbering: dict[str, int] = {}
    owner: dict[str, int] = {}
    duplicates: list[str] = []
    for revision_id, _position, _offset, _pk, key in sorted(rows, key=lambda r: (order[r[0]], r[1], r[2], r[3])):
        if key in numbering:
            if owner[key] != revision_id and key not in duplicates:
                duplicates.append(key)
            continue
        numbering[key] = len(numbering) + 1
        owner[key] = revision_id
    return numbering, duplicates


def revision_preview(*, revision: SectionRevision) -> Preview:
    """Render ``revision`` inside the latest release, numbered as publishing would number it."""
    section = Section.objects.select_related("parent", "briefing").get(pk=revision.section_id)
    latest = release_latest(briefing=section.briefing)
    manifest: list[tuple[Section, SectionRevision]] = []
    if latest is not None:
        manifest = [
            (entry.section, entry.revision)
            for entry in ReleaseSection.objects.filter(release=latest)
            .select_related("section__parent", "revision")
            .order_by("position")
        ]
    replaced = [(s, revision if s.pk == section.pk else r) for s, r in manifest]
    if all(s.pk != section.pk for s, _r in manifest):
        replaced.append((section, revision))
        replaced.sort(key=lambda pair: pair[0].position)
    numbers, duplicates = footnote_numbering([r.pk for _s, r in replaced])
    sections, footnotes = _assemble([(section, revision)], numbers)
    return Preview(section.briefing, latest, sections[0], footnotes, numbers, duplicates)


def _assemble(
    pairs: list[tuple[Section, SectionRevision]], numbers: dict[str, int]
) -> tuple[list[SnapshotSection], list[SnapshotFootnote]]:
    """Turn (section, revision) pairs into reader structures in four queries."""
    revision_ids = [revision.pk for _section, revision in pairs]

    claims_by_revision: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    for pk, revision_id, paragraph, role, text in (
        Claim.objects.filter(revision_id__in=revision_ids)
        .order_by("revision_id", "position")
        .values_list("pk", "revision_id", "paragraph", "role", "text")
    ):
        claims_by_revision[revision_id].append((pk, paragraph, role, text))

    # Notes first: references and citations are then found by footnote id, without joins.
    notes = list(Footnote.objects.filter(revision_id__in=revision_ids))
    key_by_note = {note.pk: note.key for note in notes}
    refs_by_claim: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for claim_id, offset, _pk, footnote_id in sorted(
        FootnoteReference.objects.filter(footnote_id__in=key_by_note).values_list("claim_id", "offset", "pk", "footnote_id")
    ):
        refs_by_claim[claim_id].append((offset, key_by_note[footnote_id]))

    citations_by_note: dict[int, list[SnapshotCitation]] = defaultdict(list)
    for citation in (
        Citation.objects.filter(footnote_id__in=key_by_note).select_related("source").order_by("footnote_id", "position")
    ):
        citations_by_note[citation.footnote_id].append(SnapshotCitation(citation.source, citation.locator))

    section_key_by_revision = {revision.pk: section_row.key for section_row, revision in pairs}
    sections: list[SnapshotSection] = []
    for section_row, revision in pairs:
        section = SnapshotSection(
            key=section_row.key,
            number=revision.number,
            heading=None,
            level=1 if section_row.parent_id is None else 2,
            parent=section_row.parent.key if section_row.parent_id else None,
            revision=revision.pk,
            information_as_of=revision.information_as_of,
        )
        for pk, paragraph, role, text in claims_by_revision[revision.pk]:
            view = SnapshotClaim(
                id=pk,
                text=text,
                refs=tuple(
                    SnapshotRef(key, numbers[key], offset) for offset, key in refs_by_claim.get(pk, ()) if key in numbers
                ),
            )
            if role == ClaimRole.HEADING:
                section.heading = view
                continue
            while len(section.paragraphs) <= paragraph:
                section.paragraphs.append([])
            section.paragraphs[paragraph].append(view)
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
    return sections, footnotes
