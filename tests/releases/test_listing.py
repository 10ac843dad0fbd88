"""The entries lists repeat per release are written in Python: every value escaped, the markup the templates had."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.html import format_html_join

from releases.listing import ReleaseUrls, changed_sections_html, release_list_entry, section_history_entry
from releases.models import Release, ReleaseSection

HOSTILE = '<script>alert("x")</script>&\'"'


def test_changed_sections_are_escaped_and_written_as_format_html_join_wrote_them():
    changed = [(HOSTILE, HOSTILE), ("４．（１）ロシア・ウクライナ", "")]
    html = str(changed_sections_html(changed, css_class="changed-sections"))
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;&quot;" in html
    expected = format_html_join(
        "", "<li>{}{}</li>", ((label, f"：{summary}" if summary else "") for label, summary in changed)
    )
    assert html == f'<ul class="changed-sections">{expected}</ul>'
    assert changed_sections_html([]) == ""


def test_a_release_list_entry_and_a_history_entry_escape_what_editors_wrote():
    # given a release whose note and section label carry markup (unsaved rows: no database needed)
    release = Release(number=3, kind="correction", published_at=timezone.now(), information_as_of=dt.date(2025, 3, 1),
                      summary=f"{HOSTILE}\n二行目")
    urls = ReleaseUrls("world-2025")
    # when
    entry = str(release_list_entry(release, [(HOSTILE, "")], urls))
    history = str(section_history_entry(ReleaseSection(label=HOSTILE, change_summary=HOSTILE), release, 2,
                                        key="ch4-1", urls=urls))
    # then nothing an editor wrote is markup, and the links are the briefing's
    for html in (entry, history):
        assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/briefings/world-2025/releases/3/"' in entry and 'class="kind-label">訂正</span>' in entry
    assert 'href="/briefings/world-2025/changes/?from_release=2&amp;to_release=3"' in entry
    assert 'href="/briefings/world-2025/releases/3/#sec-ch4-1"' in history and "#change-ch4-1" in history
