"""End to end in a real browser: editor drafts → reviewer approves → reader sees both versions.

Playwright drives Debian's Chromium (``/usr/bin/chromium``; never ``playwright
install``) against Django's live server. The ORM runs in the test thread next
to Playwright's sync API, hence ``DJANGO_ALLOW_ASYNC_UNSAFE`` (set by scripts/test).
"""
from __future__ import annotations

import pytest

from briefings.models import RevisionStatus, SectionRevision
from core.dates import today_tokyo
from tests.e2e.conftest import needs_chromium

NEW_SENTENCE = "2025年3月初旬までに、ロシア軍はクルスク州の大部分を奪還したとされる。"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_editor_drafts_reviewer_approves_reader_sees_old_and_new(page, live_server, briefing, editor, reviewer):
    base = live_server.url
    section = briefing.sections.get(key="ch4-1")

    # the editor starts a draft of 4(1) from the published revision
    _login(page, base, "editor")
    page.goto(f"{base}/admin/briefings/section/?q=ch4-1")
    page.check(f"input[name=_selected_action][value='{section.pk}']")
    page.select_option("select[name=action]", "new_draft_from_published")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    draft = SectionRevision.objects.get(section=section, status=RevisionStatus.DRAFT)

    # edits the body in the editing format and saves
    page.goto(f"{base}/admin/briefings/sectionrevision/{draft.pk}/change/")
    body = page.input_value("#id_body")
    first_paragraph_end = body.index("[^p36]。") + len("[^p36]。")
    page.fill("#id_body", body[:first_paragraph_end] + NEW_SENTENCE + body[first_paragraph_end:])
    page.fill("#id_change_summary", "2025年3月の戦況を反映")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")

    # looks at the diff and submits from the review page
    page.goto(f"{base}/admin/briefings/sectionrevision/{draft.pk}/review/")
    assert NEW_SENTENCE.rstrip("。") in page.inner_text("#diff ins")
    page.click("input[value='審査に提出']")
    page.wait_for_selector(".messagelist .success")

    # the reviewer finds it in the queue, reads the preview and approves now
    _login(page, base, "reviewer")
    page.goto(f"{base}/admin/briefings/reviewqueueentry/")
    page.click("text=差分・プレビュー・操作")
    assert NEW_SENTENCE in page.inner_text("#preview")
    page.click("input[value='承認して今すぐ公開']")
    page.wait_for_selector(".messagelist .success")
    assert page.inner_text("#revision-status").startswith("公開中")

    # a reader (no login) sees the new text today and the paper at its cutoff
    page.context.clear_cookies()
    page.goto(f"{base}/briefings/{briefing.slug}/as-of/{today_tokyo().isoformat()}/")
    assert NEW_SENTENCE in page.inner_text("main")
    assert "第2版" in page.inner_text("main")
    page.goto(f"{base}/briefings/{briefing.slug}/as-of/2025-02-09/")
    text = page.inner_text("main")
    assert NEW_SENTENCE not in text and "初版" in text and "2025年2月9日現在" in text
    # footnote links work both ways in the browser
    page.click("a[href='#fn-36']")
    assert page.evaluate("location.hash") == "#fn-36"
