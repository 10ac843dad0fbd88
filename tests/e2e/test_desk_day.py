"""Issue 14's proof: a day at the desk, from an event to the release a reader sees, in Chromium.

The editor and the reviewer work only in the browser, against PostgreSQL; the
scheduled release is published by a real Celery worker and beat (on a Redis of
the test's own), not by the test. The data is the paper (release 1, cutoff
2025-02-09) and the demo's March 2025 events, curated from the defence
ministry's deck (``demo/events_2025-03.yaml``).

Screenshots of every step are saved under ``test-results/issue14/`` (git-ignored)
at 1280×800, the reader pages also at 390×844; at both sizes no page scrolls
sideways.
"""
from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import pytest
from django.core.management import call_command

from briefings.models import RevisionStatus, SectionRevision
from core.dates import TOKYO, today_tokyo
from core.selectors import scheduler_status
from releases.models import Release
from sources.models import Source
from tests.e2e.conftest import _browser_page, needs_chromium
from tests.events.conftest import EVENTS
from tests.ops.conftest import Redis, process_env, requires_postgres, start, stop, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
    requires_postgres,
]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "issue14"
DECK_EVENT = "英国防省、ロシア軍の死傷者を87万人以上と推計"
FIRST = "英国防省は、ロシア軍の死傷者が87万人以上に達したと推計している[^uk1]。"
REVISED = "英国防省は、侵略開始以来のロシア軍の死傷者を87万人以上と推計している[^uk1]。"
NOTE = "[^uk1]: 防衛省防衛政策局への聞き取り（2025年3月7日）"
COMMENT = "「達した」は推計の表現として強すぎます。英国防省の言い方に合わせてください。"
SCHEDULE_LEAD = dt.timedelta(seconds=25)
WIDE = """(() => [...document.querySelectorAll('body *')]
  .filter(e => (e.getBoundingClientRect().right > document.documentElement.clientWidth
                || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
          && ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth))
  .slice(0, 5).map(e => `${e.tagName}#${e.id}.${e.className}: ${e.textContent.slice(0, 60)}`).join(' | '))()"""


@pytest.fixture
def scheduler(transactional_db, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real Celery worker and beat on their own Redis, looking for due revisions every 5 s."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = Redis(tmp_path)
    env = process_env(CELERY_BROKER_URL=redis.url(0), PUBLISH_DUE_INTERVAL="5", SCHEDULER_HEARTBEAT_INTERVAL="5",
                      RELEASE_PDF_AT_PUBLISH="0", MEDIA_ROOT=str(tmp_path / "media"),
                      EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    worker = start(["worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "-l", "INFO"], env, tmp_path / "worker.log")
    beat = start(["beat", "-l", "INFO", "--schedule", str(tmp_path / "celerybeat-schedule")], env, tmp_path / "beat.log")
    try:
        assert wait_for(lambda: scheduler_status().running, 60), _logs(tmp_path)  # beat's first heartbeat, recorded
        yield tmp_path
    finally:
        stop(beat)
        stop(worker)
        redis.stop()


def _logs(folder: Path) -> str:
    return "\n".join((folder / name).read_text(errors="replace")[-2000:] for name in ("beat.log", "worker.log"))


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def _shot(page, name: str, *, full_page: bool = True, strict: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Save the page (or what the viewport shows) and check that it does not scroll sideways at this viewport.

    ``strict=False`` only for a known defect outside this test's scope: reported as a warning naming the element.
    """
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problem = f"{name}: the page is {scroll}px wide in a {width}px viewport: " + page.evaluate(WIDE)[:300]
        assert not strict, problem
        warnings.warn(problem, stacklevel=2)


def _save_draft(page) -> None:  # type: ignore[no-untyped-def]
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")


def _next_minute_after(moment: dt.datetime) -> dt.datetime:
    """The datetime-local field has minute precision (step 60): the first whole minute after ``moment``."""
    return (moment + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)


def test_a_day_at_the_desk_from_the_event_to_the_release_readers_see(  # noqa: PLR0915 (one scenario, step by step)
    live_server, briefing, editor, reviewer, scheduler
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    call_command("import_events", str(EVENTS))  # the March 2025 events, after the paper's cutoff of 2025-02-09
    base = live_server.url
    section = briefing.sections.get(key="ch4-1")
    today = today_tokyo()
    pages = _browser_page(viewport={"width": 1280, "height": 800})
    page = next(pages)
    try:
        # 1. the editor opens the desk and sees 4(1) made stale by the March events
        _login(page, base, "editor")
        page.goto(f"{base}/admin/")
        stale = page.locator("#desk-stale")
        assert "４．（１）ロシア・ウクライナの攻防と国際社会の動き" in stale.inner_text()
        assert page.locator("#desk-scheduler").count() == 0, "the real beat and worker are running"
        _shot(page, "01-editor-desk-stale-section")

        # 2. follows it to the stale dashboard and starts a draft there
        stale.get_by_role("link", name="４．（１）ロシア・ウクライナの攻防と国際社会の動き").first.click()
        entry = page.locator("#stale-ch4-1")
        assert DECK_EVENT in entry.inner_text()
        _shot(page, "02-stale-dashboard")
        entry.locator("input[value='これらの出来事を結び付けて下書きを作成']").click()
        page.wait_for_selector("#id_body")
        draft = SectionRevision.objects.get(section=section, status=RevisionStatus.DRAFT)
        assert f"/admin/briefings/sectionrevision/{draft.pk}/change/" in page.url
        assert page.input_value("#id_information_as_of") == today.isoformat()  # the cutoff moves to today

        # 3. edits the text: a sentence with a new footnote
        body = page.input_value("#id_body")
        end = body.index("[^p36]。") + len("[^p36]。")
        page.fill("#id_body", f"{body[:end]}{FIRST}{body[end:].rstrip()}\n\n{NOTE}\n")
        page.fill("#id_change_summary", "英国防省の死傷者推計（2025年3月5日）を反映")
        _save_draft(page)
        _shot(page, "03-draft-saved")

        # 4. cites a new source without a URL for the footnote: 「出典を追加」, the + popup, a locator
        page.select_option("#id_cite_footnote", "uk1")
        with page.expect_popup() as opened:
            page.click("#add_id_cite_source")
        popup = opened.value
        popup.wait_for_selector("#id_kind")
        popup.select_option("#id_kind", "interview")
        popup.fill("#id_title", "ロシア軍の損耗に関する聞き取り")
        popup.fill("#id_author", "防衛省防衛政策局")
        popup.fill("#id_issued_text", "2025年3月7日")
        popup.screenshot(path=str(SHOTS / "04-source-popup.png"), full_page=True)
        popup.click("input[name=_save]")
        popup.wait_for_event("close")
        source = Source.objects.get(title="ロシア軍の損耗に関する聞き取り")
        assert source.url == ""
        assert page.input_value("#id_cite_source") == str(source.pk)  # handed back to the draft
        page.fill("#id_cite_locator", "聞き取り記録3頁")
        _save_draft(page)
        assert "脚注[^uk1]に出典" in page.inner_text(".messagelist")
        _shot(page, "05-footnote-cited")

        # 5. links the event that prompted the change (the stale dashboard linked all six; one is the reason)
        page.click("#link-events")
        page.wait_for_selector("#revision-events")
        boxes = page.locator("#revision-events input[type=checkbox]")
        for index in range(boxes.count()):
            boxes.nth(index).uncheck()
        page.locator("#revision-events label", has_text=f"2025年3月5日　{DECK_EVENT}").locator("input").check()
        _shot(page, "06-link-event")
        page.click("#revision-events-form input[type=submit]")
        page.wait_for_selector("#covered-events")
        assert page.locator("#covered-events li").count() == 1
        assert f"{DECK_EVENT}（2025年3月5日）" in page.inner_text("#covered-events")

        # 6. submits from the review page
        page.goto(f"{base}/admin/briefings/sectionrevision/{draft.pk}/review/")
        page.click("input[value='審査に提出']")
        page.wait_for_selector(".messagelist .success")
        _shot(page, "07-submitted")

        # 7. the reviewer finds it on the desk: the diff, the event, the cutoff change; rejects with a comment
        _login(page, base, "reviewer")
        page.goto(f"{base}/admin/")
        page.locator("#desk-review").get_by_role("link").first.click()
        page.wait_for_selector("#diff")
        assert FIRST.split("[^")[0].rstrip("。") in page.inner_text("#diff ins")
        assert f"{DECK_EVENT}（2025年3月5日）" in page.inner_text("#covered-events")
        cutoff = page.inner_text("#cutoff")
        assert f"2025年2月9日現在 → {today.year}年{today.month}月{today.day}日現在" in cutoff
        _shot(page, "08-review-diff-event-cutoff")
        page.fill("#reject-comment", COMMENT)
        page.click("input[value='差し戻す']")
        page.wait_for_selector(".messagelist .success")
        _shot(page, "09-rejected")

        # 8. the editor sees the comment on the desk, reopens, revises the sentence, resubmits
        _login(page, base, "editor")
        page.goto(f"{base}/admin/")
        rejected = page.locator("#desk-rejected")
        assert COMMENT in rejected.inner_text()
        _shot(page, "10-editor-desk-rejected")
        rejected.get_by_role("link").first.click()
        page.click("input[value='下書きに戻す']")
        page.wait_for_selector(".messagelist .success")
        page.goto(f"{base}/admin/briefings/sectionrevision/{draft.pk}/change/")
        page.fill("#id_body", page.input_value("#id_body").replace(FIRST, REVISED))
        _save_draft(page)
        page.goto(f"{base}/admin/briefings/sectionrevision/{draft.pk}/review/")
        page.click("input[value='審査に提出']")
        page.wait_for_selector(".messagelist .success")
        _shot(page, "11-resubmitted")

        # 9. the reviewer sees the diff against the rejected version beside the earlier comment
        _login(page, base, "reviewer")
        page.goto(f"{base}/admin/briefings/sectionrevision/{draft.pk}/review/")
        assert COMMENT in page.inner_text("#earlier-rejection")
        since = page.inner_text("#diff-since-rejection")
        assert "侵略開始以来の" in page.inner_text("#diff-since-rejection ins") and "達した" in since
        _shot(page, "12-review-since-rejection")

        # 10. approves for a moment later. The issue says one minute; the form's field has minute precision,
        # so the first whole minute at least 25 s ahead (25-85 s): beat looks for due revisions every 5 s.
        publish_at = _next_minute_after(dt.datetime.now(TOKYO) + SCHEDULE_LEAD)
        page.fill("#id_publish_at", publish_at.strftime("%Y-%m-%dT%H:%M"))
        page.click("input[value='承認して公開予約']")
        page.wait_for_selector(".messagelist .success")
        assert page.inner_text("#revision-status").startswith("公開予約")
        _shot(page, "13-scheduled")

        # 11. the release appears by itself: nobody acts, the worker publishes it when beat says it is due
        release = wait_for(lambda: Release.objects.filter(briefing=briefing, number=2).first(), 150)
        assert release is not None, _logs(scheduler)
        assert release.published_at >= publish_at
        draft.refresh_from_db()
        assert draft.status == RevisionStatus.PUBLISHED
        page.goto(f"{base}/admin/")
        assert "第2版" in page.inner_text("#desk-releases")
        _shot(page, "14-desk-released")
    finally:
        pages.close()

    # 12. a reader sees the new text today and the paper's text as of 2025-02-09, at both sizes
    new_text = REVISED.split("[^")[0]
    for size, label in (({"width": 1280, "height": 800}, "1280"), ({"width": 390, "height": 844}, "390")):
        options = {"viewport": size}
        if label == "390":
            options |= {"has_touch": True, "is_mobile": True}
        pages = _browser_page(**options)
        reader = next(pages)
        try:
            reader.goto(f"{base}/briefings/{briefing.slug}/as-of/{today.isoformat()}/")
            text = reader.inner_text("main")
            assert new_text in text and "第2版" in text
            reader.get_by_text(new_text[:20]).first.scroll_into_view_if_needed()
            _shot(reader, f"15-reader-today-{label}", full_page=False)  # the paper is too long a picture
            reader.goto(f"{base}/briefings/{briefing.slug}/as-of/2025-02-09/")
            text = reader.inner_text("main")
            assert new_text not in text and "初版" in text and "2025年2月9日現在" in text
            _shot(reader, f"16-reader-2025-02-09-{label}", full_page=False)
        finally:
            pages.close()
