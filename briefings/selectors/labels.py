"""How the admin names sections: 「４．（１）ロシア・ウクライナ戦争」, never ``ch4-1``.

A section's label is made of its current revision's number and heading (the
published one; a section never published shows its newest draft) and its
chapter's number. The labels come as annotations on the sections' own query
(``with_labels``), so a list of sections costs no query per row; the text is
made by ``briefings.markup.section_display_label``, as in release manifests.
"""
from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from briefings.markup import section_display_label
from briefings.models import RevisionStatus, Section, SectionRevision

WORK_STATUSES = (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED, RevisionStatus.SCHEDULED, RevisionStatus.REJECTED)
"""A revision in one of these is work on its section not yet published."""


def _shown(section: str) -> QuerySet[SectionRevision]:
    """The revision a section is named after: its published one, else its newest."""
    return (
        SectionRevision.objects.filter(section=OuterRef(section))
        .annotate(rank=Case(When(status=RevisionStatus.PUBLISHED, then=Value(0)), default=Value(1),
                            output_field=IntegerField()))
        .order_by("rank", "-pk")
    )


def with_labels(queryset: QuerySet[Section]) -> QuerySet[Section]:
    """Annotate each section with what its label is made of (``label_of`` reads it)."""
    shown = _shown("pk")
    return queryset.annotate(
        label_number=Subquery(shown.values("number")[:1]),
        label_heading=Subquery(shown.values("heading")[:1]),
        label_chapter=Subquery(_shown("parent_id").values("number")[:1]),
    )


def with_chapter_numbers(queryset: QuerySet[SectionRevision]) -> QuerySet[SectionRevision]:
    """Annotate revisions with their section's chapter number (``revision_label`` reads it)."""
    return queryset.annotate(label_chapter=Subquery(_shown("section__parent_id").values("number")[:1]))


def label_of(section: Section) -> str:
    """The label of a section annotated by ``with_labels``; its key if it has no revision at all."""
    number = getattr(section, "label_number", None)
    if number is None:
        return section.key
    return section_display_label(chapter=section.label_chapter or "", number=number,  # type: ignore[attr-defined]
                                 heading=section.label_heading)  # type: ignore[attr-defined]


def revision_label(revision: SectionRevision) -> str:
    """What a revision says its section is (its own number and heading), with the chapter's number."""
    return section_display_label(chapter=getattr(revision, "label_chapter", None) or "", number=revision.number,
                                 heading=revision.heading)


def section_labels(*, section_ids: set[int]) -> dict[int, str]:
    """The label of each section, in one query."""
    return {section.pk: label_of(section) for section in with_labels(Section.objects.filter(pk__in=section_ids))}


def section_admin_rows(queryset: QuerySet[Section]) -> QuerySet[Section]:
    """Sections as the admin lists them: labelled, with the published cutoff and the revision in work.

    ``cutoff`` is the published revision's information cutoff; ``work_id`` and
    ``work_status`` the newest revision not yet published (a draft, or one
    submitted, scheduled or rejected), if any. All in the list's one query.
    """
    published = SectionRevision.objects.filter(section=OuterRef("pk"), status=RevisionStatus.PUBLISHED)
    work = SectionRevision.objects.filter(section=OuterRef("pk"), status__in=WORK_STATUSES).order_by("-pk")
    return with_labels(queryset).annotate(
        cutoff=Subquery(published.values("information_as_of")[:1]),
        work_id=Subquery(work.values("pk")[:1]),
        work_status=Subquery(work.values("status")[:1]),
    )
