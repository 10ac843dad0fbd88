"""Demo-like rows for the change lists: long Japanese titles and citations, long URLs, several of each."""
from __future__ import annotations

import datetime as dt

from briefings.models import Briefing
from briefings.models import SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition
from core.dates import parse_japanese_date
from events.importing import EventRow
from events.models import Event
from events.services import event_import
from sources.models import SourceKind
from sources.parsing import ParsedSource
from sources.services import source_ingest

LONG_TITLE = "防衛省・自衛隊、令和7年度における我が国の防衛力の抜本的強化に関する取組の進捗状況について（第{n}報）"
LONG_URL = "https://www.mod.go.jp/j/press/news/2025/03/10_a_very_long_path_segment_without_any_break_{n}_0123456789.html"


def add_rows(briefing: Briefing, editor, count: int, reviewer=None) -> None:  # type: ignore[no-untyped-def]
    """Add ``count`` sources and events, and a draft of each section without one.

    With ``reviewer``, the lead's draft is submitted and rejected with a long comment.
    """
    kinds = [SourceKind.WEBSITE, SourceKind.NEWSPAPER, SourceKind.GOVERNMENT_DOCUMENT, SourceKind.BOOK]
    start = Event.objects.count()
    for n in range(start, start + count):
        source_ingest(parsed=ParsedSource(
            kind=kinds[n % len(kinds)], citation="", title=LONG_TITLE.format(n=n), publisher="防衛省",
            url=LONG_URL.format(n=n), issued=parse_japanese_date(f"2025年3月{n % 28 + 1}日"),
        ), accessed_on=dt.date(2025, 3, 10))
    rows = [
        EventRow(n, f"2025-03-{n % 28 + 1:02d}-row-{n}", parse_japanese_date(f"2025年3月{n % 28 + 1}日"),
                 LONG_TITLE.format(n=n), description="説明" * 40, sections=("ch4-1", "ch4"))
        for n in range(start, start + count)
    ]
    event_import(briefing_slug=briefing.slug, rows=rows)
    for section in briefing.sections.exclude(revisions__status="draft"):
        revision_create_draft(section=section, actor=editor)
    if reviewer is not None:
        draft = SectionRevision.objects.get(section__briefing=briefing, section__key="lead", status="draft")
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
        revision_transition(revision_id=draft.pk, action=Action.REJECT, actor=reviewer,
                            comment="出典を確認してください。" * 8 + LONG_URL.format(n=99))
