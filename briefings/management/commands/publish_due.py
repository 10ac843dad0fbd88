"""``manage.py publish_due``: publish scheduled revisions that are due, now."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from briefings.services.transitions import revision_publish_due


class Command(BaseCommand):
    help = "Publish every scheduled revision whose time has come (what the beat task does every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        pass

    def handle(self, *args: Any, **options: Any) -> None:
        published = revision_publish_due()
        if not published:
            self.stdout.write("nothing due")
        for revision_id in published:
            self.stdout.write(f"published revision {revision_id}")
