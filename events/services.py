"""Writes of the events app: import and edit events, link them, cover and dismiss them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from briefings.models import Briefing, Claim, Section, SectionRevision
from briefings.services.content import RevisionNotEditable
from briefings.services.revisions import revision_create_draft, revision_update
from briefings.services.transitions import person
from briefings.workflow import WorkflowPermissionDenied
from core.dates import today_tokyo
from core.errors import ApplicationError, NotFound
from core.roles import is_editor, is_reviewer
from core.versioning import check_version
from events.importing import EventFileError, EventRow
from events.models import Event, EventDismissal, EventLink, EventSource, RevisionEvent, Tag, TagKind
from events.selectors import stale_sections
from events.signals import sections_became_stale
from sources.services import source_ingest, sources_publish

if TYPE_CHECKING:
    from briefings.workflow import User

# Tag names the corpus uses for countries and regions; anything else is a theme
# unless the file says otherwise (国:… / 地域:…).
KNOWN_COUNTRIES = {
    "日本", "米国", "中国", "台湾", "ロシア", "ウクライナ", "北朝鮮", "韓国", "イスラエル", "イラン", "英国", "モンゴル",
}
KNOWN_REGIONS = {"中東", "欧州", "インド太平洋", "東アジア", "極東"}


class EventInputError(ApplicationError):
    code = "invalid_events"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("出来事の入力に誤りがあります: " + "; ".join(errors), extra={"errors": errors})
        self.errors = errors


@dataclass
class EventImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    newly_stale: list[int] = field(default_factory=list)


def event_import(*, briefing_slug: str, rows: list[EventRow], actor: User | None = None) -> EventImportResult:
    """Create or update events by key, all or nothing.

    Idempotent: importing the same rows again changes nothing and reports them
    unchanged. Section keys are checked against the briefing before anything is
    written (``EventInputError`` lists every unknown one with its row). Sections
    that become stale because of the import are reported and their editors
    notified after commit.
    """
    briefing = Briefing.objects.filter(slug=briefing_slug).first()
    if briefing is None:
        raise EventInputError([f"ブリーフィング「{briefing_slug}」は存在しません"])
    sections = {section.key: section for section in Section.objects.filter(briefing=briefing)}
    problems = [
        f"{row.line}件目（{row.key}）: 節「{key}」は「{briefing_slug}」にありません"
        for row in rows
        for key in row.sections
        if key not in sections
    ]
    if problems:
        raise EventInputError(problems)
    result = EventImportResult()
    with transaction.atomic():
        before = stale_section_ids(briefing=briefing)
        for row in rows:
            outcome = _save_row(row, sections=sections, actor=actor)
            getattr(result, outcome).append(row.key)
        result.newly_stale = notify_newly_stale(before=before, briefing=briefing)
    return result


def event_key_new(*, on: dt.date) -> str:
    """Return an unused key for an event that happened ``on``: 「2025-03-05-1」, then 「-2」, ….

    Editors never invent an ASCII identifier: the admin and the API make one when
    none is given. A key never changes once given (imports find events by it).
    """
    prefix = f"{on:%Y-%m-%d}-"
    taken = set(Event.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def event_save(
    *, briefing_slug: str, row: EventRow, actor: User, expected_version: str | None = None
) -> Event:
    """Create or update one event (API and admin); editors only.

    Raises ``PreconditionFailed`` (412) when ``expected_version`` is not the event's current version.
    """
    if not is_editor(actor):
        raise WorkflowPermissionDenied("出来事を記録できるのは編集者（editors）のみです。")
    with transaction.atomic():
        current = Event.objects.select_for_update().filter(key=row.key).first()
        if current is not None:
            check_version(current, expected_version, what=f"出来事「{row.key}」")
        event_import(briefing_slug=briefing_slug, rows=[row], actor=actor)
    return Event.objects.get(key=row.key)


def _save_row(row: EventRow, *, sections: dict[str, Section], actor: User | None) -> str:
    event = Event.objects.filter(key=row.key).first()
    created = event is None
    if event is None:
        event = Event(key=row.key, recorded_by=person(actor))
    before = _state(event) if not created else None
    event.title = row.title
    event.description = row.description
    event.occurred_on = row.date.start
    event.occurred_until = row.date.until
    event.precision = row.date.precision
    event.date_text = row.date.text
    event.save()
    event.tags.set([_tag(name, kind) for name, kind in row.tags])
    wanted_sources = []
    for position, source_row in enumerate(row.sources):
        source, _created = source_ingest(parsed=source_row.parsed)
        wanted_sources.append((source.pk, position, source_row.locator))
    sources_publish(source_ids=[source_id for source_id, _p, _l in wanted_sources], at=timezone.now())
    current_sources = list(event.event_sources.values_list("source_id", "position", "locator"))
    if current_sources != wanted_sources:
        event.event_sources.all().delete()
        EventSource.objects.bulk_create(
            EventSource(event=event, source_id=source_id, position=position, locator=locator)
            for source_id, position, locator in wanted_sources
        )
    wanted_sections = {sections[key].pk for key in row.sections}
    EventLink.objects.filter(event=event).exclude(section_id__in=wanted_sections).delete()
    existing = set(EventLink.objects.filter(event=event).values_list("section_id", flat=True))
    EventLink.objects.bulk_create(EventLink(event=event, section_id=pk) for pk in wanted_sections - existing)
    if created:
        return "created"
    return "unchanged" if _state(event) == before else "updated"


def _state(event: Event) -> tuple[Any, ...]:
    return (
        event.title, event.description, event.occurred_on, event.occurred_until, event.precision, event.date_text,
        sorted(event.tags.values_list("name", flat=True)) if event.pk else [],
        list(event.event_sources.values_list("source_id", "position", "locator")) if event.pk else [],
        sorted(event.links.values_list("section_id", flat=True)) if event.pk else [],
    )


def _tag(name: str, kind: str) -> Tag:
    if not kind:
        kind = TagKind.COUNTRY if name in KNOWN_COUNTRIES else TagKind.REGION if name in KNOWN_REGIONS else TagKind.THEME
    tag, _created = Tag.objects.get_or_create(name=name, defaults={"kind": kind})
    return tag


def event_link(*, event_id: int, section_id: int, claim_id: int | None = None, note: str = "", actor: User) -> EventLink:
    """Link an event to a section (and optionally one claim of it); editors only."""
    if not is_editor(actor):
        raise WorkflowPermissionDenied("出来事を節に結び付けられるのは編集者（editors）のみです。")
    if claim_id is not None and not Claim.objects.filter(pk=claim_id, revision__section_id=section_id).exists():
        raise ApplicationError(f"文{claim_id}は節{section_id}の文ではありません。")
    with transaction.atomic():
        before = stale_section_ids(section_ids=[section_id])
        link, _created = EventLink.objects.update_or_create(
            event_id=event_id, section_id=section_id, defaults={"claim_id": claim_id, "note": note}
        )
        notify_newly_stale(before=before, section_ids=[section_id])
    return link


def revision_cover_events(*, revision_id: int, event_ids: list[int], actor: User) -> SectionRevision:
    """Set the events a draft covers (replacing the previous set); editors only, drafts only."""
    if not is_editor(actor):
        raise WorkflowPermissionDenied("版に出来事を結び付けられるのは編集者（editors）のみです。")
    with transaction.atomic():
        revision = SectionRevision.objects.select_for_update().get(pk=revision_id)
        if not revision.is_editable:
            raise RevisionNotEditable(f"版{revision.pk}は「{revision.get_status_display()}」のため変更できません。")
        found = set(Event.objects.filter(pk__in=event_ids).values_list("pk", flat=True))
        missing = sorted(set(event_ids) - found)
        if missing:
            raise NotFound(f"出来事{missing}は存在しません。")
        RevisionEvent.objects.filter(revision=revision).exclude(event_id__in=found).delete()
        have = set(RevisionEvent.objects.filter(revision=revision).values_list("event_id", flat=True))
        RevisionEvent.objects.bulk_create(RevisionEvent(revision=revision, event_id=pk) for pk in found - have)
        revision.save(update_fields=["updated_at"])  # a new version for optimistic locking
    return revision


def draft_from_stale_section(*, section_id: int, actor: User) -> SectionRevision:
    """Start a draft of a stale section with the events behind its staleness pre-linked.

    Its information cutoff is today in Asia/Tokyo: the draft brings the section up to date.
    """
    entries = stale_sections(section_ids=[section_id])
    section = Section.objects.get(pk=section_id)
    with transaction.atomic():
        draft = revision_create_draft(section=section, actor=actor, information_as_of=today_tokyo())
        if entries:
            revision_cover_events(revision_id=draft.pk, event_ids=[item.event.pk for item in entries[0].events], actor=actor)
    return draft


def event_dismiss(*, event_id: int, section_id: int, reason: str, actor: User) -> EventDismissal:
    """Record that ``event`` needs no change to ``section``; reviewers only, a reason required."""
    if not is_reviewer(actor):
        raise WorkflowPermissionDenied("「変更不要」の判断は審査者（reviewers）のみが行えます。")
    if not reason.strip():
        raise ApplicationError("「変更不要」とする理由を入力してください。", extra={"errors": {"reason": ["必須です。"]}})
    if not EventLink.objects.filter(event_id=event_id, section_id=section_id).exists():
        raise NotFound("この出来事はこの節に結び付けられていません。")
    dismissal, _created = EventDismissal.objects.update_or_create(
        event_id=event_id, section_id=section_id, defaults={"reason": reason.strip(), "decided_by": actor}
    )
    return dismissal


def event_publish_sources(*, event_id: int) -> int:
    """Make an event's sources visible to readers: an event is public as soon as it is recorded."""
    source_ids = list(EventSource.objects.filter(event_id=event_id).values_list("source_id", flat=True))
    return sources_publish(source_ids=source_ids, at=timezone.now())


def stale_section_ids(*, briefing: Briefing | None = None, section_ids: list[int] | None = None) -> set[int]:
    return {entry.section.pk for entry in stale_sections(briefing=briefing, section_ids=section_ids)}


def notify_newly_stale(
    *, before: set[int], briefing: Briefing | None = None, section_ids: list[int] | None = None
) -> list[int]:
    """Email, after commit, the editors of sections stale now but not in ``before``; return their ids."""
    newly = sorted(stale_section_ids(briefing=briefing, section_ids=section_ids) - before)
    _notify_on_commit(newly)
    return newly


def _notify_on_commit(section_ids: list[int]) -> None:
    if not section_ids:
        return
    transaction.on_commit(lambda: sections_became_stale.send(sender=Section, section_ids=section_ids))




def revision_edit(
    *, revision_id: int, actor: User, data: dict[str, Any], event_ids: list[int] | None,
    expected_version: str | None = None,
) -> None:
    """Edit a draft's fields and, when given, the events it covers, in one transaction.

    Raises ``PreconditionFailed`` (412) when ``expected_version`` is not the draft's current version.
    """
    with transaction.atomic():
        revision = SectionRevision.objects.select_for_update().filter(pk=revision_id).first()
        if revision is not None:
            check_version(revision, expected_version, what=f"版{revision_id}")
        if data or event_ids is None:
            revision_update(revision_id=revision_id, actor=actor, data=data)
        if event_ids is not None:
            revision_cover_events(revision_id=revision_id, event_ids=event_ids, actor=actor)
