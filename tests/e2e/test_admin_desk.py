"""The desk and the change lists at 1280×800 in Chromium; the calendar's 「今日」 is Tokyo's day.

Playwright drives Debian's Chromium against Django's live server (see
``test_browser_workflow.py``); the data is the small briefing plus demo-like
rows (long Japanese titles, long URLs), not the whole paper.
"""
from __future__ import annotations

import datetime as dt

import pytest

from briefings.models import RevisionStatus, SectionRevision
from tests.admin_desk.data import add_rows
from tests.e2e.conftest import _browser_page, needs_chromium

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

LISTS = (
    "/admin/",
    "/admin/briefings/sectionrevision/",
    "/admin/briefings/section/",
    "/admin/sources/source/",
    "/admin/events/event/",
)


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.fixture
def desktop(live_server):  # type: ignore[no-untyped-def]
    yield from _browser_page(viewport={"width": 1280, "height": 800})


def test_the_desk_and_the_change_lists_fit_1280_pixels(desktop, live_server, small_briefing, editor, reviewer,
                                                       tmp_path):
    # given demo-like rows, a rejection with a long comment among them
    add_rows(small_briefing, editor, 12, reviewer=reviewer)
    _login(desktop, live_server.url, "editor")
    for url in LISTS:
        # when
        desktop.goto(f"{live_server.url}{url}")
        # then no horizontal scrolling, of the page or of the list inside it
        width = desktop.evaluate("document.documentElement.scrollWidth")
        hidden = desktop.evaluate(
            "[...document.querySelectorAll('#changelist .results, .desk-box')]"
            ".filter(box => box.scrollWidth > box.clientWidth + 1).length"
        )
        desktop.screenshot(path=str(tmp_path / f"{url.strip('/').replace('/', '_') or 'desk'}.png"))
        assert width <= 1280, f"{url} is {width}px wide"
        assert hidden == 0, f"{url} scrolls sideways inside"
    desktop.goto(f"{live_server.url}/admin/")
    assert "４．（１）ロシア・ウクライナ戦争" in desktop.inner_text("#desk-drafts")
    assert "出典を確認してください。" in desktop.inner_text("#desk-rejected")


@pytest.fixture
def in_los_angeles(live_server):  # type: ignore[no-untyped-def]
    yield from _browser_page(viewport={"width": 1280, "height": 800}, timezone_id="America/Los_Angeles")


def test_the_calendar_today_link_gives_the_day_in_tokyo(in_los_angeles, live_server, small_briefing, editor):
    # given an editor in Los Angeles at 20:00 on 1 March, already 13:00 on 2 March in Tokyo
    page = in_los_angeles
    add_rows(small_briefing, editor, 0)
    draft = SectionRevision.objects.filter(status=RevisionStatus.DRAFT, section__key="ch4-1").get()
    page.clock.set_fixed_time(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC))
    _login(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/briefings/sectionrevision/{draft.pk}/change/")
    # when the editor clicks 「今日」 beside the cutoff
    page.fill("#id_information_as_of", "")
    page.locator(".field-information_as_of .datetimeshortcuts a").first.click()
    # then
    assert page.input_value("#id_information_as_of") == "2026-03-02"
