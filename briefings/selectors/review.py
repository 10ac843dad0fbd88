"""What a reviewer (or the editor) sees of one revision: its base, the diff, a preview."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefings.diffing import Comparable, SectionDiff, comparable_from_body, diff_comparables
from briefings.markup import without_marks
from briefings.models import RevisionStatus, RevisionTransition, SectionRevision
from briefings.workflow import Action
from briefings.selectors.content import Preview, SourceUpdate, revision_preview, source_updates


@dataclass(frozen=True)
class ReviewPanel:
    """A part of the review page another app contributes (the events app: the events a change covers)."""

    template: str
    context: dict[str, Any]


ReviewPanelProvider = Callable[[SectionRevision], "ReviewPanel | None"]
_panel_providers: list[ReviewPanelProvider] = []


def register_review_panel(provider: ReviewPanelProvider) -> ReviewPanelProvider:
    """Add ``provider`` to every review page (called from an ``AppConfig.ready()``; idempotent)."""
    if provider not in _panel_providers:
        _panel_providers.append(provider)
    return provider


def review_panels(revision: SectionRevision) -> list[ReviewPanel]:
    """Return the parts other apps contribute for ``revision`` (its review page and its change page)."""
    return [panel for provider in _panel_providers if (panel := provider(revision)) is not None]


@dataclass(frozen=True)
class EarlierRejection:
    """The reviewer's last rejection of a revision that was revised and resubmitted since."""

    transition: RevisionTransition
    information_as_of: dt.date | None
    diff: SectionDiff
    """From the rejected text to the text now in review."""


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
    release_note: str
    """The public note the reviewer confirms when approving: the one already given, else the draft from
    the change summary (``release_note_default``)."""
    earlier_rejection: EarlierRejection | None = None
    panels: list[ReviewPanel] = field(default_factory=list)

    @property
    def cutoff_changed(self) -> bool:
        old = self.compared_with.information_as_of if self.compared_with else None
        return old != self.revision.information_as_of


def revision_review(*, revision_id: int) -> RevisionReview:
    revision = SectionRevision.objects.select_related("section__briefing", "base", "author", "reviewed_by").get(
        pk=revision_id
    )
    current = SectionRevision.objects.filter(section_id=revision.section_id).current().exclude(pk=revision.pk).first()
    if revision.is_published:
        compared_with = revision.base  # what this revision changed when it was published
    else:
        compared_with = current
    preview = revision_preview(revision=revision)
    old = (
        comparable_from_body(number=compared_with.number, heading=compared_with.heading, body=compared_with.body,
                             labels=preview.labels)
        if compared_with
        else None
    )
    new = comparable_from_body(number=revision.number, heading=revision.heading, body=revision.body,
                               labels=preview.labels)
    pending = revision.status in (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED, RevisionStatus.REJECTED,
                                  RevisionStatus.SCHEDULED)
    transitions = list(
        RevisionTransition.objects.filter(revision=revision).select_related("actor").order_by("created_at", "pk")
    )
    return RevisionReview(
        revision=revision,
        compared_with=compared_with,
        current_id=current.pk if current else None,
        is_stale=pending and (current.pk if current else None) != revision.base_id,
        diff=diff_comparables(old, new),
        preview=preview,
        transitions=transitions,
        source_updates=source_updates(revision=revision),
        release_note=revision.release_note or release_note_default([revision]),
        earlier_rejection=_earlier_rejection(revision, transitions, new, labels=preview.labels),
        panels=review_panels(revision),
    )


def _earlier_rejection(
    revision: SectionRevision, transitions: list[RevisionTransition], new: Comparable, *, labels: Mapping[str, str]
) -> EarlierRejection | None:
    """The last rejection of a revision reopened since and not yet published (the comment is history then)."""
    if revision.status in (RevisionStatus.REJECTED, RevisionStatus.PUBLISHED, RevisionStatus.SUPERSEDED):
        return None
    rejection = next((t for t in reversed(transitions) if t.action == Action.REJECT), None)
    if rejection is None:
        return None
    content = rejection.content or {}
    old = comparable_from_body(number=content.get("number", ""), heading=content.get("heading", ""),
                               body=content.get("body", ""), labels=labels) if content else None
    cutoff = content.get("information_as_of")
    return EarlierRejection(
        transition=rejection,
        information_as_of=dt.date.fromisoformat(cutoff) if cutoff else None,
        diff=diff_comparables(old, new),
    )


def release_note_default(revisions: Sequence[SectionRevision]) -> str:
    """Draft the public note of a release from the change summaries of the revisions it brings.

    One revision: its change summary. Several: one line each, named as readers
    name the section (「４．（１）ロシア・ウクライナの攻防…：…」). The reviewer
    confirms or rewrites it when approving. One query for the parents' labels.
    """
    summaries = [revision for revision in revisions if revision.change_summary.strip()]
    if len(revisions) == 1:
        return revisions[0].change_summary.strip()
    parents = dict(
        SectionRevision.objects.current()
        .filter(section_id__in={revision.section.parent_id for revision in summaries if revision.section.parent_id})
        .values_list("section_id", "number")
    )
    lines = []
    for revision in summaries:
        prefix = parents.get(revision.section.parent_id, "") if revision.section.parent_id else ""
        label = f"{prefix}{revision.number}{without_marks(revision.heading)}"
        summary = revision.change_summary.strip()
        lines.append(f"・{label}：{summary}" if label else f"・{summary}")
    return "\n".join(lines)
