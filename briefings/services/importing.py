"""Import a paper (PDF-extracted text) as a briefing with its first release."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from briefings.importers.paper import PaperFormatError, ParsedPaper, parse_paper
from briefings.markup import BodyValidationError, ParsedRevision, parse_revision
from briefings.models import Briefing, Citation, Section, SectionRevision
from briefings.services.content import CitationSpec, revision_write_content
from briefings.services.transitions import person, revisions_publish_import
from briefings.workflow import Action
from core.dates import DateParseError, parse_japanese_date, start_of_day_tokyo
from core.errors import ApplicationError, Conflict
from sources.models import Source
from sources.parsing import NoteCitations, ParsedSource, extract_citations
from sources.services import source_ingest

if TYPE_CHECKING:
    from briefings.workflow import User


@dataclass(frozen=True)
class ImportResult:
    briefing: Briefing
    release_number: int
    published_at: dt.datetime
    created: bool
    sections: int
    footnotes: int
    sources_created: int


def briefing_import_paper(
    *,
    text: str,
    slug: str,
    title: str = "",
    published_at: dt.datetime | None = None,
    information_as_of: dt.date | None = None,
    link_sections: bool = True,
    actor: User | None = None,
) -> ImportResult:
    """Import a paper as briefing ``slug`` and publish it as release 1.

    Idempotent: importing the same text again changes nothing and returns
    ``created=False``. Everything is parsed and validated before the first
    write, and all writes share one transaction, so a bad file leaves the
    database untouched.

    The cutoff is the paper's own 「…現在の情報に基づき」 date; ``information_as_of``
    supplies one for a paper without it (and must agree with it otherwise).
    ``link_sections``: a reference to a section in the body, 「（４．（１）参照）」,
    is stored as ``[[sec:key]]`` and so links to the section (off: kept as text).

    Raises ``PaperFormatError`` (naming the line) for unreadable text or a
    missing cutoff, ``Conflict`` when ``slug`` already holds different content,
    and ``ApplicationError`` for a missing title.
    """
    paper = parse_paper(text, information_as_of=information_as_of, link_sections=link_sections)
    assert paper.information_as_of is not None  # parse_paper refuses a paper without one
    cutoff = paper.information_as_of.start
    published_at = published_at or start_of_day_tokyo(cutoff)
    parsed = _parse_sections(paper)
    citations = _parse_citations(paper)

    with transaction.atomic(durable=True):
        existing = Briefing.objects.filter(slug=slug).first()
        if existing is not None:
            return _existing(
                existing, paper, text=text, information_as_of=information_as_of, link_sections=link_sections
            )
        if not title.strip():
            raise ApplicationError("新しいブリーフィングには標題（--title）が必要です。抽出テキストには標題が含まれていません。")
        if len(title.strip()) > (limit := Briefing._meta.get_field("title").max_length or 0):
            raise ApplicationError(f"標題（--title）が長すぎます（{limit}文字まで）。")
        briefing = Briefing.objects.create(
            slug=slug, title=title.strip(), publication=paper.publication, author=paper.author
        )
        specs, created_sources = _ingest_sources(citations, accessed_on=cutoff)
        revisions = _create_revisions(briefing, paper, parsed, specs, cutoff=cutoff, actor=actor)
        release = revisions_publish_import(
            revisions=revisions,
            actor=actor,
            published_at=published_at,
            information_as_of=cutoff,
            summary=f"{paper.publication}掲載の原論文（{paper.information_as_of.display()}現在）",
        )
    return ImportResult(briefing, release.number, published_at, True, len(revisions), len(paper.notes), created_sources)


def _create_revisions(
    briefing: Briefing,
    paper: ParsedPaper,
    parsed: dict[str, ParsedRevision],
    specs: dict[int, list[CitationSpec]],
    *,
    cutoff: dt.date,
    actor: User | None,
) -> list[SectionRevision]:
    """The sections of the paper in order, each with its first revision (a draft until published)."""
    sections: dict[str, Section] = {}
    revisions: list[SectionRevision] = []
    for position, paper_section in enumerate(paper.sections):
        section = sections[paper_section.key] = Section.objects.create(
            briefing=briefing,
            key=paper_section.key,
            parent=sections[paper_section.parent_key] if paper_section.parent_key else None,
            position=position,
        )
        revision = SectionRevision.objects.create(
            section=section,
            number=paper_section.number,
            heading=paper_section.heading,
            body=paper_section.body(paper.notes),
            information_as_of=cutoff,
            change_summary="原論文からの取込み",
            author=person(actor),
        )
        revision_write_content(
            revision=revision,
            parsed=parsed[paper_section.key],
            citations={f"p{n}": specs.get(n, []) for n in paper_section.footnotes},
        )
        revisions.append(revision)
    return revisions


def _parse_sections(paper: ParsedPaper) -> dict[str, ParsedRevision]:
    parsed: dict[str, ParsedRevision] = {}
    keys = {section.key for section in paper.sections}
    for section in paper.sections:
        try:
            parsed[section.key] = parse_revision(heading=section.heading, body=section.body(paper.notes), sections=keys)
        except BodyValidationError as exc:
            raise PaperFormatError(section.line, f"節{section.key}を取り込めません: {exc.message}") from exc
    return parsed


def _parse_citations(paper: ParsedPaper) -> dict[int, NoteCitations]:
    found: dict[int, NoteCitations] = {}
    for number, note in paper.raw_notes.items():
        try:
            found[number] = extract_citations(note)
        except DateParseError as exc:
            raise PaperFormatError(paper.note_lines[number], f"脚注{number}の出典の日付: {exc}") from exc
        _check_lengths(found[number], number=number, line=paper.note_lines[number])
    return found


def _check_lengths(citations: NoteCitations, *, number: int, line: int) -> None:
    """Refuse a citation too long to store (a bad file, not a database error)."""
    for match in citations.citations:
        values = {name: getattr(match.source, name) for name in ("title", "container", "volume", "author", "publisher")}
        values |= {"url": match.source.url, "issued_text": match.source.issued.text if match.source.issued else ""}
        for name, value in values.items():
            field = Source._meta.get_field(name)
            if field.max_length is not None and len(value) > field.max_length:
                raise PaperFormatError(
                    line,
                    f"脚注{number}の出典の{field.verbose_name}が長すぎます"
                    f"（{len(value)}文字。{field.max_length}文字まで）。",
                )
        if len(match.locator) > Citation._meta.get_field("locator").max_length:  # type: ignore[operator]
            raise PaperFormatError(line, f"脚注{number}の出典の所在「{match.locator[:20]}…」が長すぎます。")


def _ingest_sources(
    citations: dict[int, NoteCitations], *, accessed_on: dt.date
) -> tuple[dict[int, list[CitationSpec]], int]:
    specs: dict[int, list[CitationSpec]] = {}
    created_count = 0
    for number in sorted(citations):
        note_specs: list[tuple[int, CitationSpec]] = []
        for match in citations[number].citations:
            source, created = source_ingest(parsed=match.source, accessed_on=accessed_on)
            created_count += created
            note_specs.append((match.start, CitationSpec(source, match.locator)))
        for reference in citations[number].references:
            # 「錦田愛子（前掲脚注12参照）33頁」 cites the source of note 12 again.
            for spec in specs.get(reference.footnote_number, []):
                source = spec.source
                if reference.who and reference.who in (source.author, source.publisher, source.citation):
                    note_specs.append((reference.start, CitationSpec(source, reference.locator)))
                    break
        specs[number] = [spec for _start, spec in sorted(note_specs, key=lambda item: item[0])]
    return specs, created_count


def _existing(
    briefing: Briefing, paper: ParsedPaper, *, text: str, information_as_of: dt.date | None, link_sections: bool
) -> ImportResult:
    imported = list(
        SectionRevision.objects.filter(section__briefing=briefing, transitions__action=Action.IMPORT)
        .select_related("section")
        .order_by("section__position")
    )
    if not imported:
        raise Conflict(f"ブリーフィング「{briefing.slug}」は既に存在しますが、取り込まれた公開版がありません。")
    stored = {revision.section.key: (revision.number, revision.heading, revision.body) for revision in imported}
    incoming = _bodies(paper)
    if stored != incoming and stored != _bodies_linked(text, information_as_of, link=not link_sections):
        changed = sorted(k for k in stored.keys() | incoming.keys() if stored.get(k) != incoming.get(k))
        raise Conflict(
            f"ブリーフィング「{briefing.slug}」は既に異なる内容で取り込まれています（相違する節: {', '.join(changed)}）。"
            "公開済みの履歴は書き換えられません。別のスラッグを指定するか、編集ワークフローで更新してください。"
        )
    notes = sum(revision.footnotes.count() for revision in imported)
    published_at = imported[0].published_at
    assert published_at is not None  # an imported revision is published
    return ImportResult(briefing, 1, published_at, False, len(stored), notes, 0)


def _bodies(paper: ParsedPaper) -> dict[str, tuple[str, str, str]]:
    return {section.key: (section.number, section.heading, section.body(paper.notes)) for section in paper.sections}


def _bodies_linked(text: str, information_as_of: dt.date | None, *, link: bool) -> dict[str, tuple[str, str, str]]:
    """The paper's bodies with section references linked or not: a briefing imported the other way
    (before references were linked, or with ``link_sections`` off) holds the same paper."""
    try:
        return _bodies(parse_paper(text, information_as_of=information_as_of, link_sections=link))
    except PaperFormatError:
        return {}


BUNDLE_FORMAT = "briefing-bundle/1"
_BUNDLE_SOURCE_FIELDS = ("kind", "title", "container", "volume", "author", "publisher", "url", "pages")


def briefing_import_bundle(*, bundle: dict[str, Any], slug: str = "", actor: User | None = None) -> ImportResult:
    """Import a release exported by ``export_release`` as briefing ``slug`` (default: the bundle's),
    published as its release 1 at the bundle's publication time and cutoff.

    Everything is checked before the first write (``ApplicationError`` naming
    the bundle entry: an unknown format, a section whose body is not in the
    editing format, a citation of an unknown source or note, an unreadable
    date); all writes share one transaction. Raises ``Conflict`` when ``slug``
    already exists.
    """
    data = _bundle(bundle)
    slug = slug or data["briefing"]["slug"]
    keys = {section.get("key") for section in data["sections"]}
    parsed = {section["key"]: _parse_bundle_section(section, keys) for section in data["sections"]}
    citations = _bundle_citations(data, parsed)
    published_at = _bundle_datetime(data["release"]["published_at"], "release.published_at")
    cutoff = _bundle_date(data["release"]["information_as_of"], "release.information_as_of")
    with transaction.atomic(durable=True):
        if Briefing.objects.filter(slug=slug).exists():
            raise Conflict(f"ブリーフィング「{slug}」は既にあります。別のスラッグを指定してください（--slug）。")
        meta = data["briefing"]
        briefing = Briefing.objects.create(
            slug=slug, title=meta["title"], publication=meta.get("publication", ""), author=meta.get("author", ""),
            description=meta.get("description", ""),
        )
        sources, created = _bundle_sources(data)
        revisions = _bundle_revisions(briefing, data, parsed, citations, sources, actor=actor)
        release = revisions_publish_import(
            revisions=revisions, actor=actor, published_at=published_at, information_as_of=cutoff,
            summary=data["release"].get("summary", ""),
        )
    notes = sum(len(p.footnotes) for p in parsed.values())
    return ImportResult(briefing, release.number, published_at, True, len(revisions), notes, created)


def _bundle(bundle: Any) -> dict[str, Any]:
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise ApplicationError(f"書き出し形式「{BUNDLE_FORMAT}」のファイルではありません。")
    for name, kind in (("briefing", dict), ("release", dict), ("sections", list), ("sources", list),
                       ("citations", list)):
        if not isinstance(bundle.get(name), kind):
            raise ApplicationError(f"書き出しファイルの「{name}」がありません（または形が違います）。")
    if not bundle["sections"]:
        raise ApplicationError("書き出しファイルに節がありません。")
    return bundle


def _parse_bundle_section(section: dict[str, Any], keys: set[Any]) -> ParsedRevision:
    try:
        return parse_revision(heading=section.get("heading", ""), body=section.get("body", ""), sections=keys)
    except BodyValidationError as exc:
        raise ApplicationError(f"節「{section.get('key')}」: {exc.message}") from exc


def _bundle_citations(data: dict[str, Any], parsed: dict[str, ParsedRevision]) -> dict[tuple[str, str], list[Any]]:
    refs = {source["ref"] for source in data["sources"]}
    found: dict[tuple[str, str], list[Any]] = {}
    for index, citation in enumerate(data["citations"]):
        key = (citation.get("section"), citation.get("note"))
        notes = {note.key for note in parsed[key[0]].footnotes} if key[0] in parsed else set()
        if key[1] not in notes:
            raise ApplicationError(f"citations[{index}]: 節「{key[0]}」に注[^{key[1]}]がありません。")
        if citation.get("source") not in refs:
            raise ApplicationError(f"citations[{index}]: 出典「{citation.get('source')}」が sources にありません。")
        found.setdefault(key, []).append(citation)
    return found


def _bundle_sources(data: dict[str, Any]) -> tuple[dict[str, Source], int]:
    sources: dict[str, Source] = {}
    created = 0
    for index, item in enumerate(data["sources"]):
        issued = None
        if item.get("issued_text"):
            try:
                issued = parse_japanese_date(item["issued_text"])
            except DateParseError as exc:
                raise ApplicationError(f"sources[{index}].issued_text: {exc}") from exc
        parsed = ParsedSource(citation="", issued=issued, **{name: item.get(name) or "" for name in _BUNDLE_SOURCE_FIELDS})
        accessed = _bundle_date(item["accessed_on"], f"sources[{index}].accessed_on") if item.get("accessed_on") else None
        sources[item["ref"]], was_created = source_ingest(parsed=parsed, accessed_on=accessed)
        created += was_created
    return sources, created


def _bundle_revisions(
    briefing: Briefing,
    data: dict[str, Any],
    parsed: dict[str, ParsedRevision],
    citations: dict[tuple[str, str], list[Any]],
    sources: dict[str, Source],
    *,
    actor: User | None,
) -> list[SectionRevision]:
    sections: dict[str, Section] = {}
    revisions: list[SectionRevision] = []
    for position, item in enumerate(data["sections"]):
        key = item["key"]
        section = sections[key] = Section.objects.create(
            briefing=briefing, key=key, parent=sections.get(item.get("parent") or ""), position=position,
        )
        revision = SectionRevision.objects.create(
            section=section, number=item.get("number", ""), heading=item.get("heading", ""), body=item.get("body", ""),
            information_as_of=_bundle_date(item["information_as_of"], f"sections[{position}].information_as_of"),
            change_summary=item.get("change_summary", ""), author=person(actor),
        )
        specs = {
            note: [CitationSpec(sources[c["source"]], c.get("locator", ""))
                   for c in sorted(items, key=lambda c: c.get("position", 0))]
            for (section_key, note), items in citations.items() if section_key == key
        }
        revision_write_content(revision=revision, parsed=parsed[key], citations=specs)
        revisions.append(revision)
    return revisions


def _bundle_date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ApplicationError(f"{where}: 日付「{value}」を読み取れません（YYYY-MM-DD）。") from exc


def _bundle_datetime(value: Any, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ApplicationError(f"{where}: 日時「{value}」を読み取れません（ISO 8601）。") from exc
    if moment.tzinfo is None:
        raise ApplicationError(f"{where}: 日時にはタイムゾーンが必要です。")
    return moment
