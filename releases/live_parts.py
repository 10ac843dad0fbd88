"""The live parts of a release page, written as HTML here rather than in templates.

A release page is its stored frame (``releases.services.pages``) with these
parts put in its slots on every page the cache does not hold: how current the
release is, the as-of note, the navigation to its neighbours and the citation
with the reader's access date. They are small and on the hot path, where the
template engine cost more than everything else (issue 12's floor); every value
is escaped by ``format_html``. The citation block is also the claim page's.
"""
from __future__ import annotations

import datetime as dt

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.dates import format_date_ja, format_datetime_ja, to_tokyo
from core.site import path_to as _url
from releases.citing import ReleaseCitation
from releases.models import Release
from releases.selectors.currency import Currency, PendingEvent
from releases.selectors.history import Neighbours
from releases.templatetags.release_text import iso_datetime

_NOTHING = mark_safe("")  # noqa: S308 - the empty string


def correction_notice(release: Release, around: Neighbours) -> SafeString:
    """The schema.org correction notice of a correction release (naming the release it corrects)."""
    if release.kind != "correction":
        return _NOTHING
    corrected = format_html("{}の", around.previous.edition_label) if around.previous else ""
    summary = format_html('<span itemprop="text">{}</span>', release.summary) if release.summary else ""
    return format_html(
        '<div class="notice correction" role="note" itemprop="correction" itemscope '
        'itemtype="https://schema.org/CorrectionComment">\n'
        "      <p><strong>訂正</strong>：この版は{}訂正です（情報の基準日は変わりません）。{}</p>\n"
        '      <meta itemprop="datePublished" content="{}">\n    </div>',
        corrected, summary, iso_datetime(release.published_at),
    )


def currency_section(release: Release, currency: Currency, pending: list[tuple[str, str, list[PendingEvent]]]) -> SafeString:
    """How current the release is: the latest (with the events not reflected yet), or which release is."""
    if not currency.is_latest:
        latest = currency.latest
        body = format_html(
            '<p class="notice not-latest" role="note">これは{}（{}）です。最新は<a href="{}">{}（{}）</a>です。</p>',
            release.edition_label, release.information_as_of_label,
            _url("releases:release", slug=release.briefing.slug, number=latest.number),
            latest.edition_label, latest.information_as_of_label,
        )
        return format_html(
            '<section class="currency currency-old" aria-labelledby="currency-label">\n'
            '  <h2 id="currency-label" class="visually-hidden">この版の新しさ</h2>\n  {}\n</section>', body,
        )
    reflects = format_html(
        '<p class="currency-reflects"><strong>{}までの出来事を反映</strong>（最新の版）</p>',
        format_date_ja(release.information_as_of),
    )
    return format_html(
        '<section class="currency" aria-labelledby="currency-label">\n'
        '  <h2 id="currency-label" class="visually-hidden">この版の新しさ</h2>\n  {}{}\n</section>',
        reflects, _pending(currency, pending) if pending else "",
    )


def _pending(currency: Currency, pending: list[tuple[str, str, list[PendingEvent]]]) -> SafeString:
    timeline = _url("events:timeline")
    sections = format_html_join("\n", '    <h3 id="pending-{}"><a href="#sec-{}">{}</a></h3>\n    <ul>{}</ul>', (
        (key, key, label, format_html_join("", '<li><a href="{}#event-{}">{}　{}</a>{}</li>', (
            (timeline, event.key, event.date_display, event.title, "（基準日と重なる可能性）" if event.ambiguous else "")
            for event in events
        )))
        for key, label, events in pending
    ))
    return format_html(
        '\n  <details class="pending" id="pending">\n    <summary>未反映の出来事 {}件</summary>\n'
        '    <p class="live-note">この版の公開後に記録され、まだ本文に反映されていない出来事です'
        "（{}時点の情報。公開された本文は変わりません）。</p>\n{}\n  </details>",
        currency.event_count, format_datetime_ja(currency.checked_at), sections,
    )


def as_of_note(as_of: dt.date | None) -> SafeString:
    """On an as-of page: which day's release this is."""
    if as_of is None:
        return _NOTHING
    return format_html('<p class="as-of-note">{}の終わり（日本時間）の時点で有効な版を表示しています。</p>',
                       format_date_ja(as_of))


def release_nav(release: Release, around: Neighbours, *, as_of: dt.date | None, today: dt.date) -> SafeString:
    """Previous and next release, the release list, the changes since the previous one, a date picker."""
    slug = release.briefing.slug
    links = []
    if around.previous:
        links.append(format_html('<li><a href="{}" rel="prev">← 前の版（{}）</a></li>', _release_url(slug, around.previous),
                                 around.previous.edition_label))
    links.append(format_html('<li><a href="{}">版の一覧（全{}版）</a></li>',
                             _url("releases:release_list", slug=slug), around.last.number))
    if around.next:
        links.append(format_html('<li><a href="{}" rel="next">次の版（{}）→</a></li>', _release_url(slug, around.next),
                                 around.next.edition_label))
    if around.previous:
        links.append(format_html('<li><a href="{}?from_release={}&amp;to_release={}">前の版からの変更点</a></li>',
                                 _url("releases:changes", slug=slug), around.previous.number,
                                 release.number))
    shown = as_of or to_tokyo(release.published_at).date()
    return format_html(
        '<nav class="release-nav" aria-label="版の移動">\n  <ul>\n    {}\n  </ul>\n'
        '  <form method="get" action="{}" class="date-picker">\n'
        '    <label for="as-of-date">日付を指定して読む</label>\n'
        '    <input type="date" id="as-of-date" name="date" required min="{}" max="{}" value="{}">\n'
        '    <button type="submit">その日の版を表示</button>\n  </form>\n</nav>',
        mark_safe("\n    ".join(links)),  # noqa: S308 - each built by format_html
        _url("releases:as_of_form", slug=slug),
        to_tokyo(around.first.published_at).date().isoformat(), today.isoformat(), shown.isoformat(),
    )


def cite_block(release: Release, citation: ReleaseCitation, styles: list[tuple[str, str, str]], *, title: str,
               query: str = "") -> SafeString:
    """How to cite: each style (with the access date), the reference-manager files, what the access date is."""
    entries = format_html_join("\n      ", (
        '<div><dt id="cite-{}-label">{}</dt><dd><span class="citation-text" id="cite-{}">{}</span> '
        '<button type="button" class="copy-button" data-copy="cite-{}" aria-describedby="cite-{}-label" hidden>'
        "コピー</button></dd></div>"
    ), ((key, name, key, text, key, key) for key, name, text in styles))
    files = [(_url("releases:release_cite", slug=release.briefing.slug, number=release.number, fmt=fmt) + query, label)
             for fmt, label in (("bib", "BibTeX（cite.bib）"), ("ris", "RIS（cite.ris）"), ("json", "CSL-JSON（cite.json）"))]
    return format_html(
        '<aside class="cite" aria-labelledby="cite-label">\n    <h2 id="cite-label">{}</h2>\n'
        '    <dl class="cite-styles">\n      {}\n    </dl>\n'
        '    <p class="cite-downloads">文献管理ソフト用：{}</p>\n'
        '    <p class="meta">参照日（{}）は、このページを開いた日です。URL はこの版の恒久的な URL で、'
        "後の版が出ても内容は変わりません。</p>\n  </aside>",
        title, entries, format_html_join("・", '<a href="{}">{}</a>', files), format_date_ja(citation.accessed),
    )


def _release_url(slug: str, release: Release) -> str:
    return _url("releases:release", slug=slug, number=release.number)
