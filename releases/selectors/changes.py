"""What changed between two releases, section by section, as readers see it (from the artefacts)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Subquery
from django.utils import timezone

from briefings.diffing import Block, Comparable, SectionDiff, diff_comparables, with_marks
from briefings.markup import plain_note_text
from briefings.models import Briefing, Section
from briefings.selectors.content import Content, SnapshotClaim, SnapshotSection
from releases.models import Release, ReleaseSection
from releases.selectors.history import artefact_of, section_labels

@dataclass
class SectionChange:
    key: str
    label: str
    status: str  # "added" | "removed" | "changed"
    diff: SectionDiff
    old_revision: int | None
    new_revision: int | None


@dataclass
class ReleaseChanges:
    briefing: Briefing
    old: Release
    new: Release
    sections: list[SectionChange] = field(default_factory=list)
    unchanged: int = 0


def changes_between(*, old: Release, new: Release) -> ReleaseChanges:
    """Compare two releases of one briefing. Footnote marks are shown with the newer
    release's numbers on both sides, so renumbering alone is never reported as a change."""
    before, after = artefact_of(release=old).content, artefact_of(release=new).content
    numbers = {**before.numbers, **after.numbers}
    old_sections = {section.key: section for section in before.sections}
    new_sections = {section.key: section for section in after.sections}
    result = ReleaseChanges(new.briefing, old, new)
    labels = {**section_labels(before), **section_labels(after)}
    for key in [*new_sections, *[k for k in old_sections if k not in new_sections]]:
        was, now = old_sections.get(key), new_sections.get(key)
        if was is not None and now is not None and was.revision == now.revision:
            result.unchanged += 1
            continue
        diff = diff_comparables(
            _comparable(was, before, numbers, after.numbers) if was else None,
            _comparable(now, after, numbers, after.numbers) if now else None,
        )
        status = "added" if was is None else "removed" if now is None else "changed"
        result.sections.append(
            SectionChange(key, labels[key], status, diff,
                          was.revision if was else None, now.revision if now else None)
        )
    return result


def _comparable(
    section: SnapshotSection, snapshot: Content, numbers: dict[str, int], current: dict[str, int]
) -> Comparable:
    def text(claim: SnapshotClaim) -> str:
        return with_marks(claim.text, [(ref.offset, f"〔{_label(ref.key, numbers, current)}〕") for ref in claim.refs])

    heading = Block("heading", "見出し", f"{section.number}{text(section.heading)}" if section.heading else section.number)
    paragraphs = [
        Block("paragraph", f"第{index}段落", "".join(text(claim) for claim in paragraph))
        for index, paragraph in enumerate(section.paragraphs, 1)
    ]
    notes = [
        Block("footnote", f"注{_label(note.key, numbers, current)}", plain_note_text(note.source_text, numbers), key=note.key)
        for note in snapshot.footnotes
        if note.section_key == section.key
    ]
    return Comparable(heading, paragraphs, notes)


def _label(key: str, numbers: dict[str, int], current: dict[str, int]) -> str:
    return str(current[key]) if key in current else f"旧{numbers.get(key, '?')}"


@dataclass(frozen=True)
class HistoryEntry:
    entry: ReleaseSection
    """The manifest row of the release that brought this revision of the section (as published)."""
    release: Release
    previous_number: int | None


def section_history(*, section: Section, limit: int | None = None, before: int | None = None) -> list[HistoryEntry]:
    """The releases that changed ``section``, newest first, from their frozen manifests.

    Public releases only; ``before`` (a release number) and ``limit`` page
    through a long history. One query, a backward walk of the index
    ``release_section_history`` (section, release desc) that stops after
    ``limit`` rows: the cost of a page does not grow with the history. A
    briefing's release ids rise with their numbers (each release is numbered
    one more than the last when it is created), so ``before`` is the id of
    the newest release numbered below ``before``, found in the same query.
    """
    rows = (
        ReleaseSection.objects.filter(section=section, changed=True, release__published_at__lte=timezone.now())
        .select_related("release")
        .order_by("-release_id")
    )
    if before is not None:
        rows = rows.filter(release_id__lte=Subquery(
            Release.objects.filter(briefing_id=section.briefing_id, number__lt=before)
            .order_by("-number").values("pk")[:1]
        ))
    if limit is not None:
        rows = rows[:limit]
    return [HistoryEntry(row, row.release, row.release.number - 1 if row.release.number > 1 else None) for row in rows]


def changed_sections_by_release(*, releases: list[Release]) -> dict[int, list[tuple[str, str]]]:
    """For each release, the (label, change summary) of the sections it changed. One query."""
    result: dict[int, list[tuple[str, str]]] = {release.pk: [] for release in releases}
    rows = (
        ReleaseSection.objects.filter(release__in=[r.pk for r in releases if r.number > 1], changed=True)
        .order_by("release_id", "position")
        .values_list("release_id", "label", "change_summary")
    )
    for release_id, label, summary in rows:
        result[release_id].append((label, summary))
    return result
