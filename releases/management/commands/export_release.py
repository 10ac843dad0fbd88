"""Export a release in the editing format (a JSON bundle that ``import_briefing --bundle`` reads back)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from briefings.models import Briefing
from releases.models import Release
from releases.services.exporting import release_export


class Command(BaseCommand):
    help = "Write release N of a briefing as a bundle: sections in the editing format, notes, citations, sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the briefing's slug")
        parser.add_argument("number", type=int, help="the release number")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        release = Release.objects.filter(briefing__slug=options["slug"], number=options["number"]).first()
        if release is None:
            if not Briefing.objects.filter(slug=options["slug"]).exists():
                raise CommandError(f"ブリーフィング「{options['slug']}」はありません。")
            raise CommandError(f"第{options['number']}版はありません。")
        text = json.dumps(release_export(release=release), ensure_ascii=False, indent=1) + "\n"
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
