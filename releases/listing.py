"""The entries that lists of releases repeat once per release: the release list, a section's history, the feed.

Rendered in Python, not in a template loop: a Django template spends about a
millisecond on one release list entry (its URLs, filters and 22 changed
sections), so a page of 20 cost several times a page of one. Here an entry is
a handful of ``format_html`` calls on URLs built from one ``reverse`` per page,
which keeps a full page's cost near a one-entry page's (issue 18). The markup
is the one the templates had; ``tests/e2e/test_reader_pages.py`` validates it.
"""
from __future__ import annotations

import datetime as dt
from html import escape

from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from core.dates import format_date_ja, to_tokyo
from releases.models import Release, ReleaseSection


def changed_sections_html(changed: list[tuple[str, str]], *, css_class: str = "") -> SafeString:
    """``<ul>`` of the sections a release changed (label, and its change summary if any); empty if none.

    Every value goes through ``html.escape`` (what Django's ``escape`` calls); a release of the
    benchmark's history changes all 22 sections, and 22 ``format_html`` calls were most of an entry's cost.
    """
    if not changed:
        return SafeString("")
    items = "".join(
        f"<li>{escape(label)}{'：' + escape(summary) if summary else ''}</li>" for label, summary in changed
    )
    opening = f'<ul class="{escape(css_class)}">' if css_class else "<ul>"
    return mark_safe(f"{opening}{items}</ul>")  # every value above is escaped


class ReleaseUrls:
    """The release and changes URLs of one briefing, from one ``reverse`` each."""

    def __init__(self, slug: str) -> None:
        self._release = reverse("releases:release", kwargs={"slug": slug, "number": 0}).removesuffix("0/")
        self.changes = reverse("releases:changes", kwargs={"slug": slug})

    def release(self, number: int) -> str:
        return f"{self._release}{number}/"


def _day(value: dt.datetime) -> str:
    return format_date_ja(to_tokyo(value).date())


def release_list_entry(release: Release, changed: list[tuple[str, str]], urls: ReleaseUrls) -> SafeString:
    """One release in the release list: edition and kind, dates, note, the sections changed, the diff link."""
    number = release.number
    kind = format_html(' <span class="kind-label">{}</span>', release.get_kind_display()) if number > 1 else ""
    note = format_html('<div class="release-note">{}</div>', linebreaks(release.summary, autoescape=True)) \
        if release.summary else ""
    previous = format_html(
        '<p><a href="{}?from_release={}&amp;to_release={}">前の版からの変更点'
        '<span class="visually-hidden">（第{}版→{}）</span></a></p>',
        urls.changes, number - 1, number, number - 1, release.edition_label,
    ) if number > 1 else ""
    return format_html(
        '<li id="release-{}" class="release-entry kind-{}">\n'
        '<h2><a href="{}">{}</a>{}</h2>\n'
        '<dl class="release-facts">\n'
        '<div><dt>公開日</dt><dd><time datetime="{}">{}</time></dd></div>\n'
        '<div><dt>情報の基準日</dt><dd>{}</dd></div>\n'
        "</dl>\n{}{}{}</li>\n",
        number, release.kind, urls.release(number), release.edition_label, kind,
        to_tokyo(release.published_at).replace(microsecond=0).isoformat(), _day(release.published_at),
        release.information_as_of_label, note, changed_sections_html(changed, css_class="changed-sections"), previous,
    )


def section_history_entry(entry: ReleaseSection, release: Release, previous_number: int | None, *, key: str,
                          urls: ReleaseUrls) -> SafeString:
    """One release in a section's history: where it was published, the section as published then, the diff link."""
    cutoff = f"{format_date_ja(entry.information_as_of)}現在" if entry.information_as_of else "—"
    diff = format_html(
        '<p><a href="{}?from_release={}&amp;to_release={}#change-{}">前の版との違い'
        '<span class="visually-hidden">（第{}版→第{}版）</span></a></p>\n',
        urls.changes, previous_number, release.number, key, previous_number, release.number,
    ) if previous_number else ""
    return format_html(
        '<li id="release-{}">\n'
        '<h2><a href="{}#sec-{}">{}</a>で公開（<time datetime="{}">{}</time>）</h2>\n'
        "<dl>\n"
        "<div><dt>見出し</dt><dd>{}</dd></div>\n"
        "<div><dt>情報の基準日</dt><dd>{}</dd></div>\n"
        "<div><dt>変更の概要</dt><dd>{}</dd></div>\n"
        "</dl>\n{}</li>\n",
        release.number, urls.release(release.number), key, release.edition_label,
        to_tokyo(release.published_at).date().isoformat(), _day(release.published_at),
        entry.label, cutoff, entry.change_summary or "（最初の版）", diff,
    )
