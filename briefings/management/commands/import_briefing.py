"""``manage.py import_briefing <paper.txt> --slug <slug>``: import a paper as release 1.

``--bundle`` reads instead a release exported with ``export_release`` (JSON).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime

from briefings.importers.paper import decode_paper
from briefings.services import briefing_import_paper
from briefings.services.importing import briefing_import_bundle
from core.dates import TOKYO, start_of_day_tokyo
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Import a paper (text extracted from its PDF) as a briefing and publish it as release 1. "
        "Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the paper's extracted text (UTF-8, as pdftotext writes it)")
        parser.add_argument("--slug", default="", help="the briefing's URL slug (required for a paper)")
        parser.add_argument("--bundle", action="store_true",
                            help="the file is a release exported with export_release (JSON), not a paper")
        parser.add_argument("--title", default="", help="the briefing's title (the extracted text has none)")
        parser.add_argument(
            "--published-at",
            default="",
            help="when release 1 was published: YYYY-MM-DD (start of that day in Asia/Tokyo) or an ISO "
            "datetime; default: the paper's own information cutoff",
        )
        parser.add_argument(
            "--information-as-of",
            default="",
            help="the information cutoff (YYYY-MM-DD) of a paper that does not state it "
            "(「…現在の情報に基づき」); must agree with the paper when it does",
        )
        parser.add_argument(
            "--no-section-links", action="store_true",
            help="keep references to sections in the body (「（４．（１）参照）」) as plain text instead of links",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if options["bundle"]:
            result = _import_bundle(path, data, options["slug"])
        elif not options["slug"]:
            raise CommandError("--slug is required to import a paper")
        else:
            result = _import_paper(path, data, options)
        verb = "imported" if result.created else "already imported, unchanged"
        self.stdout.write(
            f"{result.briefing.slug}: {verb}; release {result.release_number} published "
            f"{result.published_at.astimezone(TOKYO).isoformat()}, {result.sections} sections, "
            f"{result.footnotes} footnotes, {result.sources_created} new sources"
        )


def _import_bundle(path: Path, data: bytes, slug: str) -> Any:
    try:
        bundle = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CommandError(f"{path}: JSON として読めません: {exc}") from exc
    try:
        return briefing_import_bundle(bundle=bundle, slug=slug)
    except ApplicationError as exc:
        raise CommandError(f"{path}: {exc.message}") from exc


def _import_paper(path: Path, data: bytes, options: dict[str, Any]) -> Any:
    try:
        return briefing_import_paper(
            text=decode_paper(data),
            slug=options["slug"],
            title=options["title"],
            published_at=_published_at(options["published_at"]),
            information_as_of=_information_as_of(options["information_as_of"]),
            link_sections=not options["no_section_links"],
        )
    except ApplicationError as exc:
        raise CommandError(f"{path}: {exc.message}") from exc


def _published_at(raw: str) -> dt.datetime | None:
    if not raw:
        return None
    if (day := _day(raw)) is not None:
        return start_of_day_tokyo(day)
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise CommandError(f"--published-at: {raw!r} is neither YYYY-MM-DD nor an ISO datetime")
    return value if value.tzinfo else value.replace(tzinfo=TOKYO)


def _information_as_of(raw: str) -> dt.date | None:
    if not raw:
        return None
    if (day := _day(raw)) is None:
        raise CommandError(f"--information-as-of: {raw!r} is not a date YYYY-MM-DD")
    return day


def _day(raw: str) -> dt.date | None:
    """Return the date ``raw`` names, None if it is not a valid YYYY-MM-DD (2025-02-30 included)."""
    try:
        return parse_date(raw)
    except ValueError:
        return None
