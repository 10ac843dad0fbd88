"""Read events files (YAML or CSV) into validated rows, reporting every bad row.

Reading never writes: ``read_events`` returns ``EventRow`` values or raises
``EventFileError`` listing each problem with its row number, so an import is
all or nothing (``events.services.event_import`` writes the rows).

YAML: a list of mappings, or ``{"briefing": <slug>, "events": [...]}``. Keys:
``key`` (required, slug), ``date`` (required, Japanese date text such as
「25年3月5日」「24年10月～12月」「令7.1.8」), ``title`` (required), ``description``,
``tags`` (list; ``国:ロシア`` / ``地域:中東`` / ``テーマ:核`` set the tag kind, a bare
name is a theme unless known), ``sections`` (list of section keys of the
briefing), ``sources`` (list of mappings: ``kind``, ``citation`` (required),
``title``, ``publisher``, ``issued`` (date text), ``url``, ``locator``).

CSV (UTF-8, header row): ``key,date,title,description,tags,sections,source,source_url,source_locator``
with ``tags`` and ``sections`` separated by ``|``; one source per row (citation in
``source``, kind government_document unless the URL makes it a website).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from core.dates import DateParseError, PartialDate, parse_japanese_date
from sources.models import SourceKind
from sources.parsing import ParsedSource

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{2,99}$")
TAG_PREFIXES = {"国": "country", "地域": "region", "テーマ": "theme"}
MAX_TEXT = {"title": 255, "description": 5000}


@dataclass(frozen=True)
class SourceRow:
    parsed: ParsedSource
    locator: str = ""


@dataclass(frozen=True)
class EventRow:
    line: int
    key: str
    date: PartialDate
    title: str
    description: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    sections: tuple[str, ...] = ()
    sources: tuple[SourceRow, ...] = ()


@dataclass
class EventFileError(Exception):
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "出来事ファイルに誤りがあります:\n" + "\n".join(self.errors)


def read_events(text: str, *, fmt: str) -> tuple[str | None, list[EventRow]]:
    """Return (briefing slug if the file names one, rows). Raises ``EventFileError``."""
    if fmt == "yaml":
        briefing, records = _yaml_records(text)
    elif fmt == "csv":
        briefing, records = None, _csv_records(text)
    else:
        raise EventFileError([f"未対応の形式です: {fmt}（yaml または csv）"])
    errors: list[str] = []
    rows: list[EventRow] = []
    seen: dict[str, int] = {}
    for number, record in records:
        row = _row(number, record, errors)
        if row is None:
            continue
        if row.key in seen:
            errors.append(f"{number}件目: キー「{row.key}」が{seen[row.key]}件目と重複しています")
            continue
        seen[row.key] = number
        rows.append(row)
    if errors:
        raise EventFileError(errors)
    return briefing, rows


def row_from_record(record: dict[str, Any], *, line: int = 1) -> EventRow:
    """Validate one event given as a mapping (the API's input); raise ``EventFileError``."""
    errors: list[str] = []
    row = _row(line, record, errors)
    if row is None:
        raise EventFileError(errors)
    return row


def format_for(path: str) -> str:
    lowered = path.lower()
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith(".csv"):
        return "csv"
    raise EventFileError([f"拡張子から形式が分かりません: {path}（.yaml/.yml/.csv）"])


def _yaml_records(text: str) -> tuple[str | None, list[tuple[int, dict[str, Any]]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}行目: " if mark is not None else ""
        raise EventFileError([f"{where}YAMLとして読めません: {getattr(exc, 'problem', exc)}"]) from exc
    briefing = None
    if isinstance(data, dict):
        briefing = data.get("briefing")
        data = data.get("events")
    if not isinstance(data, list):
        raise EventFileError(["出来事の一覧（リスト）がありません"])
    records: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise EventFileError([f"{index}件目: 項目が対応付け（key: value）ではありません"])
        records.append((index, item))
    return (str(briefing) if briefing else None), records


def _csv_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    required = {"key", "date", "title"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise EventFileError([f"1行目: 見出し行に列がありません: {', '.join(sorted(missing))}"])
    records: list[tuple[int, dict[str, Any]]] = []
    for row in reader:
        split = lambda value: [part.strip() for part in (value or "").split("|") if part.strip()]  # noqa: E731
        record: dict[str, Any] = {
            "key": row.get("key"),
            "date": row.get("date"),
            "title": row.get("title"),
            "description": row.get("description") or "",
            "tags": split(row.get("tags")),
            "sections": split(row.get("sections")),
            "sources": [],
        }
        if (row.get("source") or "").strip():
            url = (row.get("source_url") or "").strip()
            record["sources"].append({
                "kind": SourceKind.WEBSITE if url else SourceKind.GOVERNMENT_DOCUMENT,
                "citation": row["source"], "url": url, "locator": row.get("source_locator") or "",
            })
        records.append((reader.line_num, record))
    return records


_JA_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])|(?<=[。、」）])\s+|\s+(?=[「（])")


def japanese_text(value: Any) -> str:
    """Strip, and drop the spaces YAML line folding leaves between Japanese characters."""
    return _JA_GAP.sub("", str(value or "").strip())


def _row(number: int, record: dict[str, Any], errors: list[str]) -> EventRow | None:
    where = f"{number}件目"
    problems: list[str] = []
    key = str(record.get("key") or "").strip()
    if not KEY.match(key):
        problems.append(f"キー「{key}」は英小文字・数字・ハイフン（3～100文字）で指定してください")
    title = japanese_text(record.get("title"))
    if not title:
        problems.append("title（見出し）が空です")
    description = japanese_text(record.get("description"))
    for name, value in (("title", title), ("description", description)):
        if len(value) > MAX_TEXT[name]:
            problems.append(f"{name}が長すぎます（{MAX_TEXT[name]}文字まで）")
    date = None
    raw_date = record.get("date")
    if raw_date is None or str(raw_date).strip() == "":
        problems.append("date（日付）が空です")
    else:
        try:
            date = parse_japanese_date(str(raw_date))
        except DateParseError as exc:
            problems.append(str(exc))
    tags = tuple(_tag(str(tag)) for tag in _list(record.get("tags"), "tags", problems))
    problems.extend(f"タグ「{name[:20]}…」が長すぎます（50文字まで）" for name, _kind in tags if len(name) > 50)
    problems.extend("空のタグがあります" for name, _kind in tags if not name)
    sections = tuple(str(s).strip() for s in _list(record.get("sections"), "sections", problems))
    date_text = str(raw_date or "").strip()
    if len(date_text) > 100:
        problems.append("date（日付）が長すぎます（100文字まで）")
    sources = tuple(
        source for source in (_source(item, problems) for item in _list(record.get("sources"), "sources", problems))
        if source is not None
    )
    unknown = set(record) - {"key", "date", "title", "description", "tags", "sections", "sources"}
    if unknown:
        problems.append(f"未知の項目があります: {', '.join(sorted(map(str, unknown)))}")
    if problems:
        errors.extend(f"{where}（{key or '?'}）: {problem}" for problem in problems)
        return None
    assert date is not None
    return EventRow(number, key, date, title, description, tags, sections, sources)


def _list(value: Any, name: str, problems: list[str]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{name}はリストで指定してください")
        return []
    return value


def _tag(raw: str) -> tuple[str, str]:
    prefix, _, name = raw.partition(":")
    if name and prefix in TAG_PREFIXES:
        return name.strip(), TAG_PREFIXES[prefix]
    return raw.strip(), ""


def _source(item: Any, problems: list[str]) -> SourceRow | None:
    if not isinstance(item, dict):
        problems.append("sourcesの各項目は対応付けで指定してください")
        return None
    citation = str(item.get("citation") or "").strip()
    if not citation:
        problems.append("出典のcitationが空です")
        return None
    kind = str(item.get("kind") or SourceKind.GOVERNMENT_DOCUMENT)
    if kind not in SourceKind.values:
        problems.append(f"出典の種別「{kind}」は未知です（{', '.join(SourceKind.values)}）")
        return None
    url = str(item.get("url") or "").strip()
    if url and not re.match(r"^https?://[^\s<>]+$", url):
        problems.append(f"出典のURL「{url}」は http(s) のURLではありません")
        return None
    issued = None
    if item.get("issued"):
        try:
            issued = parse_japanese_date(str(item["issued"]))
        except DateParseError as exc:
            problems.append(f"出典の日付: {exc}")
            return None
    limits = {"title": 500, "publisher": 255, "locator": 200, "url": 1000}
    too_long = [name for name, limit in limits.items() if len(str(item.get(name) or "")) > limit]
    if too_long:
        problems.append("出典の" + "・".join(too_long) + "が長すぎます（" + "、".join(f"{n}は{limits[n]}文字まで" for n in too_long) + "）")
        return None
    parsed = ParsedSource(
        kind=kind, citation=citation, title=str(item.get("title") or ""), publisher=str(item.get("publisher") or ""),
        issued=issued, url=url,
    )
    return SourceRow(parsed, str(item.get("locator") or "").strip())
