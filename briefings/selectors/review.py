"""What a reviewer (or the editor) sees of one revision: its base, the diff, a preview."""
from __future__ import annotations

from dataclasses import dataclass

from briefings.diffing import SectionDiff, comparable_from_body, diff_comparables
from briefings.models import RevisionStatus, RevisionTransition, SectionRevision
from briefings.selectors.content import Preview, SourceUpdate, revision_preview, source_updates


@dataclass
class RevisionReview:
    revision: SectionRevision
    compared_with: SectionRevision | None
    """The published revision the diff is against: the section's current one."""
    current_id: int | None
    is_stale: bool
    diff: SectionDiff
    preview: Preview
    transitions: list[RevisionTransition]
    source_updates: list[SourceUpdate]
    """Corrected sources this revision brings (each shown to the reviewer with both versions)."""


def revision_review(*, revision_id: int) -> RevisionReview:
    revision = SectionRevision.objects.select_related("section__briefing", "base", "author", "reviewed_by").get(
        pk=revision_id
    )
    current = SectionRevision.objects.filter(section_id=revision.section_id).current().exclude(pk=revision.pk).first()
    if revision.is_published:
        compared_with = revision.base  # what this revision changed when it was published
    else:
        compared_with = current
    old = (
        comparable_from_body(number=compared_with.number, heading=compared_with.heading, body=compared_with.body)
        if compared_with
        else None
    )
    new = comparable_from_body(number=revision.number, heading=revision.heading, body=revision.body)
    pending = revision.status in (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED, RevisionStatus.REJECTED,
                                  RevisionStatus.SCHEDULED)
    return RevisionReview(
        revision=revision,
        compared_with=compared_with,
        current_id=current.pk if current else None,
        is_stale=pending and (current.pk if current else None) != revision.base_id,
        diff=diff_comparables(old, new),
        preview=revision_preview(revision=revision),
        transitions=list(
            RevisionTransition.objects.filter(revision=revision).select_related("actor").order_by("created_at", "pk")
        ),
        source_updates=source_updates(revision=revision),
    )
