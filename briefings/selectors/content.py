"""Reader structures assembled from live revision rows: for freezing a release and for previews.

Two callers only: the publisher (``releases.services.freezing``), which freezes
the briefing's published revisions into an artefact inside the publishing
transaction, and the review page's preview of a draft. Readers of a published
release never come here: they read the frozen artefact
(``releases.selectors.history``).

* ``published_manifest`` — the (section, revision) pairs a release made now would show;
* ``footnote_numbering`` — footnotes numbered 1..N in reading order;
* ``assemble`` — sections with their claims and references, and the notes with
  their citations, in four queries whatever the size of the history; claims as
  readers read them (a ``[[sec:key]]`` written as the section's number,
  ``reference_labels``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from briefings.markup import plain_claim_text, plain_note_text, section_label, without_marks
from briefings.models import (
    Briefing,
    Citation,
    Claim,
    ClaimRole,
    Footnote,
    FootnoteReference,
    Section,
    SectionRevision,
)
from sources.models import Source


@dataclass(frozen=True)
class SnapshotRef:
    key: str
    number: int
    offset: int


@dataclass(frozen=True)
class SnapshotSectionRef:
    """A reference to a section: its label 「４．（１）」 stands at ``offset`` in the claim's text."""

    key: str
    offset: int
    length: int


@dataclass(frozen=True)
class SnapshotClaim:
    id: int
    text: str
    """The sentence as readers read it (a section reference written as the section's number)."""
    refs: tuple[SnapshotRef, ...]
    anchor: str = ""
    """The sentence's stable anchor in a release (``releases.anchors``); empty outside releases."""
    sections: tuple[SnapshotSectionRef, ...] = ()


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

    @property
    def label(self) -> str:
        """「４．（１）ロシア・ウクライナ戦争」: how readers name the section."""
        return f"{self.number}{self.heading_text}"


@dataclass(frozen=True)
class CitedSource:
    """A source as a note cites it: what readers see of it in that release."""

    id: int
    kind: str
    citation: str
    url: str
    accessed_on: dt.date | None

    @classmethod
    def of(cls, source: Source) -> CitedSource:
        return cls(source.pk, source.kind, source.citation, source.url, source.accessed_on)


@dataclass(frozen=True)
class SnapshotCitation:
    source: CitedSource
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
class Content:
    """A briefing's sections and notes as readers see them, numbered."""

    sections: list[SnapshotSection]
    footnotes: list[SnapshotFootnote]
    numbers: dict[str, int]


@dataclass
class Preview:
    """A revision as readers would see it if it were published now."""

    briefing: Briefing
    section: SnapshotSection
    footnotes: list[SnapshotFootnote]
    numbers: dict[str, int]
    duplicate_keys: list[str]
    labels: dict[str, str]
    """How the text names each section of the briefing as it would be published (``reference_labels``)."""


def cited_source_ids(*, revision_id: int) -> list[int]:
    """The sources a revision's notes cite. One query."""
    return sorted(set(Citation.objects.filter(footnote__revision_id=revision_id).values_list("source_id", flat=True)))


@dataclass(frozen=True)
class SourceUpdate:
    """A note of a revision cites a corrected version of a source its base cited."""

    footnote_key: str
    old: Source
    new: Source


def source_updates(*, revision: SectionRevision) -> list[SourceUpdate]:
    """The sources ``revision`` cites in a newer version than its base revision did (for review and
    release notes). One query, and one more per corrected source found."""
    return source_updates_of(revisions=[revision]).get(revision.pk, [])


def source_updates_of(*, revisions: Sequence[SectionRevision]) -> dict[int, list[SourceUpdate]]:
    """``source_updates`` of several revisions at once, by revision id (those with none are left out).

    One query whatever the number of revisions (publishing a release of every
    section asks for all of them), and one more per corrected source found.
    A citation is compared with its base's at the same note key and position.
    """
    bases = {revision.pk: revision.base_id for revision in revisions if revision.base_id is not None}
    if not bases:
        return {}
    cited: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
    rows = (
        Citation.objects.filter(footnote__revision_id__in={*bases, *bases.values()})
        .order_by("footnote", "position")  # Citation's ordering: the order the notes were written in
        .values_list("footnote__revision_id", "footnote__key", "position", "source_id")
    )
    for revision_id, key, position, source_id in rows:
        cited[revision_id][(key, position)] = source_id
    changed = [
        (revision_id, key, before, source_id)
        for revision_id, base_id in bases.items()
        for (key, position), source_id in cited[revision_id].items()
        if (before := cited[base_id].get((key, position))) is not None and before != source_id
    ]
    if not changed:
        return {}
    sources = Source.objects.in_bulk({source for _r, _k, before, after in changed for source in (before, after)})
    updates: dict[int, list[SourceUpdate]] = defaultdict(list)
    for revision_id, key, before, after in changed:
        if _descends(sources[after], before):
            updates[revision_id].append(SourceUpdate(key, sources[before], sources[after]))
    return dict(updates)


def _descends(source: Source, ancestor_id: int) -> bool:
    seen = 0
    while source.previous_version_id is not None and seen < 100:
        if source.previous_version_id == ancestor_id:
            return True
        source = Source.objects.get(pk=source.previous_version_id)
        seen += 1
    return False


def published_manifest(*, briefing_id: int) -> list[tuple[Section, SectionRevision]]:
    """The current published revision of every section, in reading order. One query."""
    revisions = (
        SectionRevision.objects.filter(section__briefing_id=briefing_id)
        .current()
        .select_related("section__parent")
        .order_by("section__position")
    )
    return [(revision.section, revision) for revision in revisions]


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
    """Render ``revision`` inside the briefing's published state, numbered as publishing would."""
    section = Section.objects.select_related("parent", "briefing").get(pk=revision.section_id)
    manifest = published_manifest(briefing_id=section.briefing_id)
    replaced = [(s, revision if s.pk == section.pk else r) for s, r in manifest]
    if all(s.pk != section.pk for s, _r in manifest):
        replaced.append((section, revision))
        replaced.sort(key=lambda pair: pair[0].position)
    numbers, duplicates = footnote_numbering([r.pk for _s, r in replaced])
    labels = reference_labels(replaced)
    content = assemble([(section, revision)], numbers, labels=labels)
    return Preview(section.briefing, content.sections[0], content.footnotes, numbers, duplicates, labels)


def reference_labels(pairs: list[tuple[Any, Any]]) -> dict[str, str]:
    """How a section reference names each section of (section, revision) ``pairs``: 「４．」, 「４．（１）」.

    A subsection is numbered with its chapter, as the paper writes 「（４．（１）参照）」;
    a section without a number is named by its heading, the lead 「冒頭」.
    """
    numbers = {section.key: revision.number for section, revision in pairs}
    labels = {}
    for section, revision in pairs:
        parent = numbers.get(section.parent.key, "") if section.parent_id else ""
        labels[section.key] = (
            section_label([parent, revision.number]) if revision.number else without_marks(revision.heading) or "冒頭"
        )
    return labels


@dataclass(frozen=True)
class ContentModels:
    """The model classes ``assemble`` reads: the live ones, or a migration's historical ones."""

    claim: Any = Claim
    footnote: Any = Footnote
    reference: Any = FootnoteReference
    citation: Any = Citation


def assemble(
    pairs: list[tuple[Section, SectionRevision]],
    numbers: dict[str, int],
    *,
    models: ContentModels | None = None,
    labels: dict[str, str] | None = None,
) -> Content:
    """Turn (section, revision) pairs into reader structures in four queries.

    ``labels`` name the sections that references may point at (default: those
    of ``pairs``, the whole release when publishing).
    """
    models = models or ContentModels()
    labels = reference_labels(pairs) if labels is None else labels
    revision_ids = [revision.pk for _section, revision in pairs]
    claims = _claims_by_revision(models.claim, revision_ids)
    notes = list(models.footnote.objects.filter(revision_id__in=revision_ids))
    key_by_note = {note.pk: note.key for note in notes}
    refs = _refs_by_claim(models.reference, key_by_note)
    citations = _citations_by_note(models.citation, list(key_by_note))
    sections = [_section(section, revision, claims[revision.pk], refs, numbers, labels) for section, revision in pairs]
    section_key_by_revision = {revision.pk: section.key for section, revision in pairs}
    footnotes = sorted(
        (
            SnapshotFootnote(
                number=numbers[note.key],
                key=note.key,
                source_text=note.text,
                text=plain_note_text(note.text, numbers),
                citations=citations[note.pk],
                section_key=section_key_by_revision[note.revision_id],
            )
            for note in notes
            if note.key in numbers
        ),
        key=lambda note: note.number,
    )
    return Content(sections, footnotes, numbers)


def _claims_by_revision(model: Any, revision_ids: list[int]) -> dict[int, list[tuple[int, int, str, str]]]:
    claims: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    for pk, revision_id, paragraph, role, text in (
        model.objects.filter(revision_id__in=revision_ids)
        .order_by("revision_id", "position")
        .values_list("pk", "revision_id", "paragraph", "role", "text")
    ):
        claims[revision_id].append((pk, paragraph, role, text))
    return claims


def _refs_by_claim(model: Any, key_by_note: dict[int, str]) -> dict[int, list[tuple[int, str]]]:
    """References found by footnote id, without joins."""
    refs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = model.objects.filter(footnote_id__in=key_by_note).values_list(
        "claim_id", "offset", "pk", "footnote_id"
    )
    for claim_id, offset, _pk, footnote_id in sorted(rows):
        refs[claim_id].append((offset, key_by_note[footnote_id]))
    return refs


def _citations_by_note(model: Any, note_ids: list[int]) -> dict[int, list[SnapshotCitation]]:
    citations: dict[int, list[SnapshotCitation]] = defaultdict(list)
    for citation in (
        model.objects.filter(footnote_id__in=note_ids).select_related("source").order_by("footnote_id", "position")
    ):
        citations[citation.footnote_id].append(SnapshotCitation(CitedSource.of(citation.source), citation.locator))
    return citations


def _section(
    row: Section,
    revision: SectionRevision,
    claims: list[tuple[int, int, str, str]],
    refs: dict[int, list[tuple[int, str]]],
    numbers: dict[str, int],
    labels: dict[str, str],
) -> SnapshotSection:
    section = SnapshotSection(
        key=row.key,
        number=revision.number,
        heading=None,
        level=1 if row.parent_id is None else 2,
        parent=row.parent.key if row.parent_id else None,
        revision=revision.pk,
        information_as_of=revision.information_as_of,
    )
    for pk, paragraph, role, text in claims:
        found = [(offset, key) for offset, key in refs.get(pk, ()) if key in numbers]
        read = plain_claim_text(text, [offset for offset, _key in found], labels)
        view = SnapshotClaim(
            id=pk,
            text=read.text,
            refs=tuple(
                SnapshotRef(key, numbers[key], offset) for offset, (_old, key) in zip(read.offsets, found, strict=True)
            ),
            sections=tuple(SnapshotSectionRef(*reference) for reference in read.sections),
        )
        if role == ClaimRole.HEADING:
            section.heading = view
            continue
        while len(section.paragraphs) <= paragraph:
            section.paragraphs.append([])
        section.paragraphs[paragraph].append(view)
    section.paragraphs = [p for p in section.paragraphs if p]
    return section
