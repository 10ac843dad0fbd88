"""``manage.py import_events <file> [--briefing slug]``: import events from YAML or CSV."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.importing import EventFileError, format_for, read_events
from events.services import EventInputError, event_import


class Command(BaseCommand):
    help = "Import events (YAML or CSV, see README); idempotent, all or nothing, every bad row reported."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="events file (.yaml, .yml or .csv, UTF-8)")
        parser.add_argument("--briefing", help="slug of the briefing whose sections the events link to")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: 読めません: {exc}") from exc
        try:
            named, rows = read_events(text, fmt=format_for(path.name))
        except EventFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        slug = options["briefing"] or named
        if not slug:
            raise CommandError("対象のブリーフィングを --briefing <slug> で指定してください（YAML では briefing: でも可）。")
        try:
            result = event_import(briefing_slug=slug, rows=rows)
        except EventInputError as exc:
            raise CommandError(f"{path}: 取り込みませんでした。\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(
            f"{path.name}: created {len(result.created)}, updated {len(result.updated)}, "
            f"unchanged {len(result.unchanged)}; sections newly stale: {len(result.newly_stale)}"
        )
