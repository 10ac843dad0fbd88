"""What changed between two releases, section by section, as readers see it."""
from __future__ import annotations

from dataclasses import dataclass, field

from briefings.diffing import Block, Comparable, SectionDiff, diff_comparables, with_marks
from briefings.models import Briefing, Release, ReleaseSection, RevisionStatus, Section, SectionRevision
from briefings.markup import plain_note_text, without_marks
from briefings.selectors.history import Snapshot, SnapshotClaim, SnapshotSection, snapshot_for_release

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
    before, after = snapshot_for_release(release=old), snapshot_for_release(release=new)
    numbers = {**before.numbers, **after.numbers}
    old_sections = {section.key: section for section in before.sections}
    new_sections = {section.key: section for section in after.sections}
    result = ReleaseChanges(new.briefing, old, new)
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
        shown = now or was
        assert shown is not None
        result.sections.append(
            SectionChange(key, f"{shown.number}{shown.heading_text}", status, diff,
                          was.revision if was else None, now.revision if now else None)
        )
    return result


def _comparable(
    section: SnapshotSection, snapshot: Snapshot, numbers: dict[str, int], current: dict[str, int]
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
    revision: SectionRevision
    release: Release | None
    """The release in which this revision was first published."""
    previous_release: Release | None


def section_history(*, section: Section, releases: list[Release]) -> list[HistoryEntry]:
    """Published revisions of ``section``, newest first, with the release that brought each.

    ``releases`` are the briefing's public releases (``release_list``), so a
    revision published in a future-dated release is not shown. Two queries.
    """
    public = {release.pk: release for release in releases}
    first_release: dict[int, Release] = {}
    for revision_id, release_id in (
        ReleaseSection.objects.filter(section=section, release_id__in=public)
        .order_by("release__number")
        .values_list("revision_id", "release_id")
    ):
        first_release.setdefault(revision_id, public[release_id])
    revisions = (
        SectionRevision.objects.filter(
            section=section, status__in=[RevisionStatus.PUBLISHED, RevisionStatus.SUPERSEDED], pk__in=first_release
        )
        .select_related("reviewed_by")
        .order_by("-published_at", "-pk")
    )
    by_number = {release.number: release for release in releases}
    entries = []
    for revision in revisions:
        release = first_release[revision.pk]
        entries.append(HistoryEntry(revision, release, by_number.get(release.number - 1)))
    return entries


def changed_sections_by_release(*, releases: list[Release]) -> dict[int, list[tuple[str, str]]]:
    """For each release, the (number+heading, change summary) of the sections it brought.

    A section is brought by a release when its revision differs from the one
    in the previous release. One query for all releases of one briefing.
    """
    if not releases:
        return {}
    numbers = {release.number for release in releases} | {release.number - 1 for release in releases}
    briefing_id = releases[0].briefing_id
    entries = (
        ReleaseSection.objects.filter(release__briefing_id=briefing_id, release__number__in=numbers)
        .select_related("release", "revision")
        .order_by("release__number", "position")
    )
    manifests: dict[int, dict[int, SectionRevision]] = {}
    for entry in entries:
        manifests.setdefault(entry.release.number, {})[entry.section_id] = entry.revision
    result: dict[int, list[tuple[str, str]]] = {}
    for release in releases:
        now, before = manifests.get(release.number, {}), manifests.get(release.number - 1, {})
        result[release.pk] = [
            (f"{revision.number}{without_marks(revision.heading)}", revision.change_summary)
            for section_id, revision in now.items()
            if before.get(section_id) is None or before[section_id].pk != revision.pk
        ] if release.number > 1 else []
    return result
