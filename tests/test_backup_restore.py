"""Backup and restore (dumpdata → empty database → loaddata) reproduce every release byte for byte."""
import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.events.conftest import EVENTS
from releases.models import ClaimSpan, Release

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DUMP_ARGS = {"natural_foreign": True, "natural_primary": True, "exclude": ["contenttypes", "auth.permission",
                                                                          "sessions", "admin.logentry"]}


def _pages(client, numbers):  # type: ignore[no-untyped-def]
    cache.clear()
    pages = {}
    for number in numbers:
        pages[f"html-{number}"] = client.get(f"/briefings/world-2025/releases/{number}/").content
        pages[f"json-{number}"] = client.get(f"/api/briefings/world-2025/snapshot/?release={number}").content
    pages["as-of-2025-02-09"] = client.get("/briefings/world-2025/as-of/2025-02-09/").content
    pages["as-of-2025-03-10"] = client.get("/briefings/world-2025/as-of/2025-03-10/").content
    pages["events"] = client.get("/events/").content
    return pages


def test_a_dump_restored_into_an_empty_database_serves_identical_releases(client, briefing, editor, reviewer, tmp_path):
    call_command("import_events", str(EVENTS))
    call_command("demo_march_update")
    numbers = list(Release.objects.values_list("number", flat=True))
    assert numbers == [1, 2] or sorted(numbers) == [1, 2]
    before = _pages(client, sorted(numbers))
    dump = tmp_path / "backup.json"
    call_command("dumpdata", output=str(dump), indent=None, **DUMP_ARGS)
    call_command("flush", interactive=False)
    assert not Release.objects.exists()
    call_command("restore_backup", str(dump))
    after = _pages(client, sorted(numbers))
    assert before.keys() == after.keys()
    for name in before:
        assert before[name] == after[name], name

    # a backup made before the spans of sentences were stored (no ClaimSpan rows): restored, they are derived
    spans = set(ClaimSpan.objects.values_list("anchor", "first", "last", "count"))
    assert spans and {count for *_rest, count in spans} == {1, 2}
    older = tmp_path / "before-spans.json"
    call_command("dumpdata", output=str(older), indent=None,
                 **{**DUMP_ARGS, "exclude": [*DUMP_ARGS["exclude"], "releases.claimspan"]})
    call_command("flush", interactive=False)
    call_command("restore_backup", str(older))
    assert set(ClaimSpan.objects.values_list("anchor", "first", "last", "count")) == spans
