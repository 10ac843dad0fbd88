"""Round trip: release 1 exported in the editing format and imported again gives the same snapshot."""
from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from briefings.services.importing import briefing_import_bundle
from core.errors import ApplicationError
from releases.models import Release
from releases.services.exporting import release_export

pytestmark = pytest.mark.django_db


def _normalised(snapshot: bytes, slug: str) -> str:
    """The snapshot with what names rows of one database (ids, the slug, the digest) replaced by their order."""
    data = json.loads(snapshot)
    data.pop("digest")
    data["briefing"] = "<slug>"
    claims = iter(range(10**6))
    for position, section in enumerate(data["sections"]):
        section["revision"] = position
        for paragraph in section["paragraphs"]:
            for claim in paragraph:
                claim["id"] = next(claims)
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace(slug, "<slug>")


def test_release_1_exported_and_imported_again_gives_a_byte_identical_snapshot(client, briefing, tmp_path):
    # given release 1 of the paper, exported by the command
    path = tmp_path / "release-1.json"
    call_command("export_release", "world-2025", "1", output=path)
    # when the bundle is imported as another briefing
    call_command("import_briefing", str(path), bundle=True, slug="world-2025-copy")
    # then its release 1 is the same snapshot, byte for byte once row ids are named by their order
    original = client.get("/api/briefings/world-2025/snapshot/?release=1").content
    copy = client.get("/api/briefings/world-2025-copy/snapshot/?release=1").content
    assert _normalised(copy, "world-2025-copy") == _normalised(original, "world-2025")
    # and the same sources are cited (shared by identity), the release published at the same time
    assert Release.objects.get(briefing__slug="world-2025-copy").published_at == \
        Release.objects.get(briefing__slug="world-2025", number=1).published_at
    # and its page shows the same notes
    page = client.get("/briefings/world-2025-copy/releases/1/").content.decode()
    assert len(re.findall(r'<li id="fn-\d+"', page)) == 96


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b.update(format="other"), "形式"),
        (lambda b: b["sections"][0].update(body="壊れた[^x]。"), "節「"),
        (lambda b: b["citations"][0].update(source="s999999"), "sources にありません"),
        (lambda b: b["citations"][0].update(note="nosuch"), r"注\[\^nosuch\]がありません"),
        (lambda b: b["release"].update(published_at="2025-02-09"), "タイムゾーン"),
        (lambda b: b["sources"][0].update(issued_text="いつか"), "issued_text"),
    ],
)
def test_a_damaged_bundle_is_refused_naming_the_entry_and_writes_nothing(briefing, damage, message):
    bundle = release_export(release=Release.objects.get(briefing=briefing, number=1))
    damage(bundle)
    with pytest.raises(ApplicationError, match=message):
        briefing_import_bundle(bundle=bundle, slug="broken")
    assert not Release.objects.filter(briefing__slug="broken").exists()


def test_importing_a_bundle_under_an_existing_slug_is_refused(briefing, tmp_path):
    path = tmp_path / "release-1.json"
    call_command("export_release", "world-2025", "1", output=path)
    with pytest.raises(CommandError, match="既にあります"):
        call_command("import_briefing", str(path), bundle=True)
