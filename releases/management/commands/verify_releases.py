"""Re-check every release's artefact, digest, manifest and renderings; exit non-zero on damage."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from releases.services.verification import releases_verify


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 digest of every release's stored artefact and compare the release rows, "
        "manifests and stored renderings with it. Exits with status 1 naming each damaged release."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="print nothing when every release is intact")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = releases_verify()
        for problem in problems:
            self.stderr.write(f"DAMAGED {problem}")
        if problems:
            releases = sorted({problem.release for problem in problems})
            raise CommandError(f"{len(releases)} of {checked} release(s) damaged: {', '.join(releases)}")
        if not options["quiet"]:
            self.stdout.write(f"{checked} release(s) verified: every artefact matches its digest.")
