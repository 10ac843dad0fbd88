"""``manage.py load_demo``: the demo data of the Quickstart (paper + demo accounts)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
PAPER = DEMO_DIR / "seeds" / "paper_2025-02.txt"
EVENTS = DEMO_DIR / "events_2025-03.yaml"
SLUG = "world-2025"
TITLE = "2025年の国際情勢の概観と展望"
# (user name = password, role, groups, what the account may do)
ACCOUNTS = (
    ("editor", "editor", ("editors",), "creates and edits drafts, submits them for review"),
    ("editor2", "editor", ("editors",),
     "a second editor: edits the same drafts (concurrent editing, change sets); may not approve them either"),
    ("reviewer", "reviewer", ("reviewers",),
     "approves (now or scheduled), rejects with a comment, marks stale sections 'no change needed'"),
    ("admin", "superuser", (), "everything in the admin, but never approves a revision they changed (four eyes)"),
)


class Command(BaseCommand):
    help = (
        "Load the demo: the 2025 paper as release 1, demo accounts (password = user name), the events of "
        "March 2025 and the update published through the workflow as release 2 (2025-03-10). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production", action="store_true", help="create the demo accounts even with DEBUG off"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("load_demo creates accounts with known passwords; run it with DEBUG=1 only.")
        call_command(
            "import_briefing", str(PAPER), slug=SLUG, title=TITLE, stdout=self.stdout, stderr=self.stderr
        )
        user_model = get_user_model()
        for username, role, groups, _can in ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.org", "is_staff": True, "is_superuser": role == "superuser"},
            )
            if created:
                user.set_password(username)
                user.save(update_fields=["password"])
            user.groups.add(*Group.objects.filter(name__in=groups))
        # The events app's commands (by name: briefings does not import events).
        call_command("import_events", str(EVENTS), stdout=self.stdout, stderr=self.stderr)
        call_command("demo_march_update", briefing=SLUG, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(accounts_banner())


def accounts_banner() -> str:
    """Return the demo accounts, one a line, with their password and what each may do."""
    lines = ["Demo accounts (password = user name), at /admin/:"]
    lines += [f"  {username:<9} {role:<10} {can}" for username, role, _groups, can in ACCOUNTS]
    return "\n".join(lines)
