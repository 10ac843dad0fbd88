"""Load a ``dumpdata`` backup into an empty, migrated database, then verify every release."""
from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from releases.models import ClaimSpan, Release
from releases.services.publishing import claim_spans_rebuild
from releases.services.verification import releases_verify


class Command(BaseCommand):
    help = (
        "Restore a backup made with dumpdata (see README, 'Backup and restore') into an empty database: "
        "published history is loaded as it was (the frozen-row triggers let this one transaction insert it), "
        "then every release's digest is verified. Refuses a database that already holds releases."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the JSON file written by dumpdata")

    def handle(self, *args: Any, **options: Any) -> None:
        if Release.objects.exists():
            raise CommandError("このデータベースには既に公開版があります。空のデータベースに復元してください。")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL briefings.restoring = 'on'")
            call_command("loaddata", options["path"], stdout=self.stdout, stderr=self.stderr)
            # a backup made before the spans of sentences were stored: derive them, as migration 0012 did
            for briefing_id in (
                Release.objects.exclude(briefing__in=ClaimSpan.objects.values("briefing"))
                .values_list("briefing_id", flat=True).distinct()
            ):
                claim_spans_rebuild(briefing_id=briefing_id)
        checked, problems = releases_verify()
        if problems:
            raise CommandError("復元した公開版の検証に失敗しました: " + "; ".join(str(p) for p in problems))
        self.stdout.write(f"restored; {checked} release(s) verified.")
