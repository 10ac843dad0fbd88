"""Reader pages in a real browser: footnote links both ways, the changes page, valid HTML
(the Nu HTML Checker, vnu-jar) and no axe-core WCAG 2 A/AA violations on any of them."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.conftest import needs_chromium
from tests.events.conftest import EVENTS

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
READER_PAGES = [
    "/",
    "/briefings/world-2025/",
    "/briefings/world-2025/as-of/2025-02-09/",
    "/briefings/world-2025/as-of/2025-03-10/",
    "/briefings/world-2025/releases/1/",
    "/briefings/world-2025/releases/2/",  # a release published through the workflow, with events not reflected
    "/briefings/world-2025/releases/",
    "/briefings/world-2025/releases/?before=2",  # a later page: the pager, the date filled in below
    "/briefings/world-2025/releases/?date=2025-02-09&kind=update",
    "/briefings/world-2025/changes/?from=2025-02-09",
    "/briefings/world-2025/changes/?from_release=1&to_release=2",
    "/briefings/world-2025/sections/ch4-1/history/",
    "/briefings/world-2025/sections/ch4-1/history/?before=1",  # past the first release: said so, a way back
    "/briefings/world-2025/search/?q=%E3%82%AF%E3%83%AB%E3%82%B9%E3%82%AF",
    "/events/",
    "/events/?tag=%E5%8C%97%E6%9C%9D%E9%AE%AE",
    "/sources/",
    "/briefings/world-2025/as-of/2025-13-01/",  # the 400 page
    "/briefings/world-2025/as-of/2024-01-01/",  # the 404 page
]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    call_command("import_events", str(EVENTS))
    call_command("demo_march_update")
    return briefing


def _pages() -> list[str]:
    """Every reader page, with the claim page of a sentence the March update added (notes, events)."""
    from releases.models import ClaimAnchor, ReleaseSection

    revision = ReleaseSection.objects.get(release__number=2, section__key="ch4-1").revision_id
    anchor = ClaimAnchor.objects.filter(revision_id=revision).order_by("-claim_id").values_list("anchor", flat=True)[0]
    return [*READER_PAGES, f"/briefings/world-2025/claims/{anchor}/"]


@needs_chromium
def test_reader_follows_footnotes_both_ways_and_reads_the_changes(page, live_server, demo):
    page.goto(f"{live_server.url}/briefings/world-2025/as-of/2025-02-09/")
    # a later release exists: the page says so beside the frozen text
    assert "最新は第2版（2025年3月10日現在）です。" in page.inner_text(".not-latest")
    page.click("a#fnref-12")
    assert page.evaluate("location.hash") == "#fn-12"
    assert page.locator("#fn-12").is_visible()
    page.click("#fn-12 a.backref")
    assert page.evaluate("location.hash") == "#fnref-12"
    # a cross-reference inside a note leads to the note it names
    page.click("text=2025年2月9日（初版）以降の変更点")
    page.wait_for_url("**/changes/**")
    changed = page.locator("section.change")
    assert changed.count() == 3
    assert "87万人以上" in page.locator("#change-ch4-1 ins").first.inner_text() or "87万人以上" in page.inner_text("#change-ch4-1")


@pytest.mark.skipif(not VNU.exists() or not shutil.which("java"), reason="vnu-jar (npm install) or Java missing")
def test_every_reader_page_is_valid_html(client, demo, tmp_path):
    files = []
    pages = _pages()
    for index, url in enumerate(pages):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        path = tmp_path / f"page{index}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [f"{pages[files.index(m['url'].removeprefix('file:'))]}: {m['message']}" for m in messages]
    assert not problems, "\n".join(problems)


@needs_chromium
@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing (npm install)")
def test_no_wcag_a_or_aa_violations_on_reader_pages(page, live_server, demo):
    script = AXE.read_text(encoding="utf-8")
    failures = []
    for url in _pages():
        page.goto(f"{live_server.url}{url}")
        page.evaluate(script)  # through DevTools: an injected inline <script> is (rightly) refused by the page's CSP
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
        )
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"][:3]]
            failures.append(f"{url}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")
    assert not failures, "\n".join(failures)


@needs_chromium
def test_a_dead_link_in_a_note_points_to_its_archive(page, live_server, briefing):
    import datetime as dt

    from django.utils import timezone

    from sources.models import LinkHealth, LinkStatus, Source

    source = Source.objects.filter(url__contains="jetro.go.jp").first()
    source.archive_url = "https://warp.ndl.go.jp/info:ndljp/pid/0000000"
    source.archive_captured_on = dt.date(2025, 2, 9)
    source.save()
    LinkHealth.objects.filter(source=source).update(status=LinkStatus.DEAD, last_checked_at=timezone.now(),
                              consecutive_failures=3)
    page.goto(f"{live_server.url}/briefings/world-2025/releases/1/")
    marker = page.wait_for_selector("section.footnotes .dead-link")
    assert "リンク切れ" in marker.inner_text()
    assert marker.query_selector("a").get_attribute("href") == source.archive_url
