"""Create and edit draft revisions of a section."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from briefings.markup import ParsedRevision, parse_revision
from briefings.models import Citation, Footnote, ReleaseKind, RevisionContributor, Section, SectionRevision
from briefings.selectors.catalog import section_keys
from briefings.services.content import CitationSpec, RevisionNotEditable, revision_write_content
from briefings.workflow import WorkflowPermissionDenied
from core.dates import format_date_ja, today_tokyo
from core.errors import ApplicationError, NotFound
from core.versioning import check_version
from core.roles import is_editor
from sources.models import Source
from sources.parsing import extract_citations
from sources.services import source_current_version, source_ingest

if TYPE_CHECKING:
    from briefings.workflow import User

EDITABLE_FIELDS = ("number", "heading", "body", "information_as_of", "change_summary", "release_kind")


def revision_create_draft(
    *,
    section: Section,
    actor: User,
    heading: str | None = None,
    body: str | None = None,
    number: str | None = None,
    information_as_of: dt.date | None = None,
    change_summary: str = "",
    release_kind: str = ReleaseKind.UPDATE,
) -> SectionRevision:
    """Create a draft of ``section`` based on its published revision.

    Without a body the draft is a copy of the published revision, citations
    included. Raises ``WorkflowPermissionDenied`` unless ``actor`` is an editor,
    ``BodyValidationError`` for a body not in the editing format (or referring
    to a section the briefing does not have).
    """
    if not is_editor(actor):
        raise WorkflowPermissionDenied("下書きを作成できるのは編集者（editors）のみです。")
    if information_as_of is not None:
        check_information_as_of(information_as_of)
    with transaction.atomic():
        base = SectionRevision.objects.filter(section=section).current().first()
        revision = SectionRevision(
            section=section,
            base=base,
            number=number if number is not None else (base.number if base else ""),
            heading=heading if heading is not None else (base.heading if base else ""),
            body=body if body is not None else (base.body if base else ""),
            information_as_of=information_as_of or (base.information_as_of if base else today_tokyo()),
            change_summary=change_summary,
            release_kind=release_kind,
            author=actor,
        )
        parsed = parse_revision(
            heading=revision.heading, body=revision.body, sections=section_keys(briefing_id=section.briefing_id)
        )
        revision.save()
        citations = _citations(parsed, carried=_carried_citations(base), old_texts=_note_texts(base),
                               accessed_on=revision.information_as_of)
        revision_write_content(revision=revision, parsed=parsed, citations=citations)
        record_contributor(revision=revision, actor=actor)
    return revision


def check_information_as_of(day: dt.date) -> None:
    """Raise ``ApplicationError`` naming the field for a cutoff after today in Asia/Tokyo."""
    today = today_tokyo()
    if day > today:
        message = f"情報の基準日（{format_date_ja(day)}）は今日（{format_date_ja(today)}、日本時間）より後にできません。"
        raise ApplicationError(message, extra={"errors": {"information_as_of": [message]}})


def record_contributor(*, revision: SectionRevision, actor: User) -> None:
    """Remember that ``actor`` wrote or changed ``revision`` (four eyes: they may not approve it)."""
    if actor is not None and actor.is_authenticated:
        RevisionContributor.objects.get_or_create(revision=revision, user=actor)


def revision_update(
    *, revision_id: int, actor: User, data: dict[str, Any], expected_version: str | None = None
) -> SectionRevision:
    """Change fields of a draft; claims and footnotes are re-derived from the body.

    Citations of footnotes whose key and text survive are kept; a new or
    rewritten note has its citations recognised from its text (newspapers,
    Diet records, URLs…, as the importer does), URLs with the draft's
    information cutoff as access date; others are added with ``revision_cite``.
    Raises
    ``RevisionNotEditable`` (409) unless the revision is a draft,
    ``WorkflowPermissionDenied`` unless ``actor`` is an editor and
    ``BodyValidationError`` (400) for a malformed body or a ``[[sec:key]]``
    naming a section the briefing does not have, ``PreconditionFailed``
    (412) when ``expected_version`` is not the draft's current version (someone
    saved it meanwhile); nothing is saved then.
    """
    if not is_editor(actor):
        raise WorkflowPermissionDenied("下書きを編集できるのは編集者（editors）のみです。")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if data.get("information_as_of") is not None:
        check_information_as_of(data["information_as_of"])
    with transaction.atomic():
        revision = SectionRevision.objects.select_for_update(of=("self",)).select_related("section").get(pk=revision_id)
        if not revision.is_editable:
            raise RevisionNotEditable(
                f"版{revision.pk}は「{revision.get_status_display()}」のため編集できません。新しい下書きを作成してください。"
            )
        check_version(revision, expected_version, what=f"版{revision.pk}")
        for name, value in data.items():
            setattr(revision, name, value)
        known = section_keys(briefing_id=revision.section.briefing_id)
        parsed = parse_revision(heading=revision.heading, body=revision.body, sections=known)
        citations = _citations(parsed, carried=_carried_citations(revision), old_texts=_note_texts(revision),
                               accessed_on=revision.information_as_of)
        revision.save(update_fields=[*data.keys(), "updated_at"])
        revision_write_content(revision=revision, parsed=parsed, citations=citations)
        if data:
            record_contributor(revision=revision, actor=actor)
    return revision


def _carried_citations(revision: SectionRevision | None) -> dict[str, list[CitationSpec]]:
    """The citations a draft keeps from ``revision``, each source at its newest version (a corrected
    source enters the draft here, and so goes through review with it)."""
    if revision is None:
        return {}
    carried: dict[str, list[CitationSpec]] = {}
    for citation in Citation.objects.filter(footnote__revision=revision).select_related("source", "footnote"):
        source = citation.source if citation.source.is_current else source_current_version(source_id=citation.source_id)
        carried.setdefault(citation.footnote.key, []).append(CitationSpec(source, citation.locator))
    return carried


def revision_cite(
    *, revision_id: int, footnote_key: str, source: Source, locator: str = "", actor: User
) -> Citation:
    """Add ``source`` to the citations of a draft's footnote; editors only, drafts only."""
    if not is_editor(actor):
        raise WorkflowPermissionDenied("出典を追加できるのは編集者（editors）のみです。")
    with transaction.atomic():
        revision = SectionRevision.objects.select_for_update().get(pk=revision_id)
        if not revision.is_editable:
            raise RevisionNotEditable(f"版{revision.pk}は「{revision.get_status_display()}」のため変更できません。")
        footnote = Footnote.objects.filter(revision=revision, key=footnote_key).first()
        if footnote is None:
            raise NotFound(f"版{revision.pk}に脚注[^{footnote_key}]はありません。")
        citation, _created = Citation.objects.get_or_create(
            footnote=footnote, source=source,
            defaults={"locator": locator, "position": footnote.citations.count()},
        )
        record_contributor(revision=revision, actor=actor)
        revision.save(update_fields=["updated_at"])  # a new version for optimistic locking
    return citation


def citation_update(*, citation_id: int, source: Source | None, locator: str, actor: User) -> Citation | None:
    """Change the source or locator of a draft's citation, or remove it (``source=None``); editors only."""
    if not is_editor(actor):
        raise WorkflowPermissionDenied("引用を変更できるのは編集者（editors）のみです。")
    with transaction.atomic():
        citation = Citation.objects.select_related("footnote").get(pk=citation_id)
        revision = SectionRevision.objects.select_for_update().get(pk=citation.footnote.revision_id)
        if not revision.is_editable:
            raise RevisionNotEditable(f"版{revision.pk}は「{revision.get_status_display()}」のため引用を変更できません。")
        record_contributor(revision=revision, actor=actor)
        revision.save(update_fields=["updated_at"])  # a new version for optimistic locking
        if source is None:
            citation.delete()
            return None
        citation.source, citation.locator = source, locator
        citation.save(update_fields=["source", "locator"])
    return citation


def _note_texts(revision: SectionRevision | None) -> dict[str, str]:
    if revision is None:
        return {}
    return dict(Footnote.objects.filter(revision=revision).values_list("key", "text"))


def _citations(
    parsed: ParsedRevision, *, carried: dict[str, list[CitationSpec]], old_texts: dict[str, str], accessed_on: dt.date
) -> dict[str, list[CitationSpec]]:
    result: dict[str, list[CitationSpec]] = {}
    for note in parsed.footnotes:
        if note.key in carried and old_texts.get(note.key) == note.text:
            result[note.key] = carried[note.key]
            continue
        found = extract_citations(note.text).citations
        if found:
            result[note.key] = [
                CitationSpec(source_ingest(parsed=match.source, accessed_on=accessed_on)[0], match.locator)
                for match in found
            ]
        elif note.key in carried:
            result[note.key] = carried[note.key]  # rewritten, but nothing recognisable: keep what the editor set
    return result
