"""Reading on a phone and with a keyboard: footnote previews, the date picker, the sentence menu (Chromium)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), needs_chromium]


def test_on_a_phone_a_tapped_footnote_opens_in_place_and_the_date_picker_leads_to_that_day(phone, live_server,
                                                                                          briefing):
    # given
    phone.goto(f"{live_server.url}/briefings/world-2025/releases/1/")
    ref = phone.locator("a#fnref-12")
    ref.scroll_into_view_if_needed()
    # when the reader taps a footnote number
    ref.tap()
    # then the note shows in place, inside the screen, and the page did not jump
    preview = phone.locator("#fn-preview")
    preview.wait_for(state="visible")
    assert phone.evaluate("location.hash") == ""
    assert preview.locator(".fn-preview-head").inner_text() == "注12"
    assert phone.locator("#fn-text-12").inner_text()[:30] in preview.inner_text()
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] > 300
    assert preview.get_attribute("role") == "dialog"
    assert phone.evaluate("document.activeElement.className") == "fn-preview-close"
    # the link in the preview goes to the note, the close button closes it
    preview.locator("a", has_text="注12へ移動").tap()
    assert phone.evaluate("location.hash") == "#fn-12" and preview.is_hidden()
    phone.locator("#fn-12 a.backref").tap()
    assert phone.evaluate("location.hash") == "#fnref-12"
    # tap targets of the notes are at least 24×24 CSS px
    for selector in ("a#fnref-12", "#fn-12 a.backref", ".date-picker button", ".date-picker input"):
        size = phone.evaluate(
            """(s) => { const el = document.querySelector(s); const r = el.getBoundingClientRect();
                        const a = getComputedStyle(el, '::after'); const w = Math.max(r.width,
                        a.content !== 'none' ? r.width - 2 * parseFloat(a.left || 0) : 0);
                        const h = Math.max(r.height, a.content !== 'none' ? r.height - 2 * parseFloat(a.top || 0) : 0);
                        return [w, h]; }""", selector)
        assert size[0] >= 24 and size[1] >= 24, (selector, size)
    # when the reader picks a day with the date picker
    picker = phone.locator("#as-of-date")
    picker.scroll_into_view_if_needed()
    picker.fill("2025-02-10")
    phone.locator(".date-picker button").tap()
    phone.wait_for_url("**/as-of/2025-02-10/")
    assert "2025年2月10日の終わり（日本時間）の時点で有効な版" in phone.inner_text("main")


def test_with_a_keyboard_a_focused_footnote_shows_its_note_and_a_sentence_menu_copies_its_link(page, live_server,
                                                                                            briefing):
    # given
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/briefings/world-2025/releases/1/")
    # when a footnote reference gets the keyboard focus
    page.focus("a#fnref-3")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    # then its note shows beside it, hidden from screen readers that hear it through aria-describedby
    preview = page.locator("#fn-preview")
    preview.wait_for(state="visible")
    assert preview.get_attribute("aria-hidden") == "true"
    assert page.locator("a#fnref-3").get_attribute("aria-describedby") == "fn-text-3"
    page.keyboard.press("Escape")
    assert preview.is_hidden()
    # Enter follows the link as without JavaScript
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#fn-3"
    # the sentence menu copies a link to the sentence in this release
    claim = page.locator("span.claim").nth(3)
    anchor = claim.get_attribute("id")
    claim.hover()
    claim.locator("a.claim-link").click()
    menu = page.locator("#claim-menu")
    menu.wait_for(state="visible")
    menu.get_by_role("button", name="この版での文へのリンクをコピー").click()
    expect(menu.locator("[role=status]")).to_have_text("コピーしました。")  # set once the clipboard promise resolves
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"https://briefings.example.org/briefings/world-2025/releases/1/#{anchor}"
    page.keyboard.press("Escape")
    assert menu.is_hidden()
