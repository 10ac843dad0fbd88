"""Reader pages. Views parse the URL, call one selector or service, and render.

Every page of a release is served from what was frozen when it was published:
the release row, its manifest and its artefact (with the renderings derived
from it), never the live revision, footnote or source rows. Live information
(a newer release, events not yet reflected, archived copies of sources) is
shown beside the frozen text and marked as such (``releases.selectors.currency``).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from functools import cache as cache_once
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.html import escape, format_html
from django.utils.http import http_date, urlencode

from briefings.models import Briefing, ReleaseKind
from briefings.selectors.catalog import briefing_get
from core.dates import end_of_day_tokyo, format_date_ja, is_future_day, parse_iso_day, to_tokyo, today_tokyo
from core.errorpages import api_not_found, is_api
from core.errors import NotFound
from core.memo import Memo
from releases import citing, live_parts, memento
from releases.anchors import is_anchor
from releases.caching import (
    ETAG_OF_INPUTS,
    IMMUTABLE,
    cached_release_page,
    etag_of,
    if_none_match,
    respond,
    served_while_database_down,
)
from releases.listing import ReleaseUrls, release_list_entry, section_history_entry
from releases.models import Release
from releases.pdf import PdfUnavailable, release_pdf_store, stored_pdf
from releases.selectors import bibliography, catalog, history, search
from releases.selectors.changes import changed_sections_by_release, changes_between, section_history
from releases.selectors.claims import claim_view
from releases.selectors.currency import Currency, currency_of, dead_links
from releases.selectors.pages import PageLookup, release_for_page
from releases.services.live import live_state_refresh
from releases.services.pages import frame_version, page_frame
from releases.services.rendering import rendering_for
from sources.citations import csl_to_bibtex, csl_to_ris, to_csl
from sources.models import Source, SourceKind

HISTORY_PAGE = 20  # entries of a section's history, releases between two on the changes page
DEAD_LINKS_MAX_AGE = 300  # seconds browsers and shared caches reuse a release's dead-link list
DEAD_LINKS_TTL = 60  # seconds the server reuses it (link checks change it, publications do not)
RELEASE_LIST_PAGE = 20
SOURCE_PAGE = 100
_SLOT = re.compile(r"<!--(slot|live):([-\w]+)-->")
"""Where the stored page frame takes a live part, and where a section's body takes its live badge."""
_PARTS: Memo[str] = Memo(size=2048)
"""Live parts that the release, its neighbours and the day determine (a few KB each), per process."""


def briefing_list(request: HttpRequest) -> HttpResponse:
    return render(request, "releases/briefing_list.html", {"briefings": catalog.briefing_list_published()})


def briefing_latest(request: HttpRequest, slug: str) -> HttpResponse:
    """The Original Resource: the latest release, or with ``Accept-Datetime`` the TimeGate (RFC 7089)."""
    if "Accept-Datetime" in request.headers:
        return _timegate(request, _briefing(slug))
    found = release_for_page(slug=slug, frame_version=frame_version())
    if found is None:
        briefing = _briefing(slug)
        latest = history.release_latest(briefing=briefing)
        if latest is None:
            raise Http404(f"「{briefing.title}」はまだ公開されていません。")
        found = PageLookup(latest, None, None)
    release = found.release

    def original_headers() -> dict[str, str]:
        first = history.release_first(briefing=release.briefing) or release
        return {"Link": memento.original_link_header(slug, first, release), "Vary": "accept-datetime"}

    return _release_page(request, found, view="latest", headers=original_headers)


def _timegate(request: HttpRequest, briefing: Briefing) -> HttpResponse:
    """302 to the release in force at the ``Accept-Datetime`` instant (before the first: the first)."""
    try:
        moment = memento.parse_accept_datetime(request.headers["Accept-Datetime"])
    except memento.MalformedAcceptDatetime:
        response = _bad_request(
            request, f"Accept-Datetime「{request.headers['Accept-Datetime'][:100]}」を読み取れません。"
            + memento.ACCEPT_DATETIME_HELP,
        )
        response["Vary"] = "accept-datetime"
        return response
    latest = history.release_latest(briefing=briefing)
    if latest is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    release = history.release_as_of(briefing=briefing, at=moment) or history.release_first(briefing=briefing) or latest
    around = history.neighbours_of(release=release, latest=latest)
    response = HttpResponseRedirect(memento.memento_url(briefing.slug, release.number))
    response["Link"] = memento.link_header(briefing.slug, around, selected=release)
    response["Cache-Control"] = "public, no-cache"
    response["Vary"] = "accept-datetime"
    return response


def briefing_as_of_form(request: HttpRequest, slug: str) -> HttpResponse:
    """The date picker's target (a plain GET form): on to ``/as-of/<date>/``, or a clear 400."""
    briefing = _briefing(slug)
    day = request.GET.get("date", "").strip()
    if not day:
        return _bad_request(request, "日付を選んでください（YYYY-MM-DD、例：2025-02-09）。")
    if parse_iso_day(day) is None:
        return _bad_request(
            request, f"日付「{day[:40]}」を読み取れません。YYYY-MM-DD の形式（例：2025-02-09）で指定してください。"
        )
    return HttpResponseRedirect(reverse("releases:as_of", kwargs={"slug": briefing.slug, "day": day}))


@served_while_database_down(lambda slug, day: f"as_of:{slug}:{day}")
def briefing_as_of(request: HttpRequest, slug: str, day: str, last_good: str = "") -> HttpResponse:
    as_of = parse_iso_day(day)
    found = release_for_page(slug=slug, frame_version=frame_version(), moment=end_of_day_tokyo(as_of)) \
        if as_of is not None and not is_future_day(as_of) else None
    if found is None:  # the long way, for the message
        found = _release_as_of_or_error(request, slug, as_of, day)
        if isinstance(found, HttpResponse):
            return found
    return _release_page(request, found, view="as_of", as_of=as_of, last_good=last_good)


def _release_as_of_or_error(
    request: HttpRequest, slug: str, as_of: dt.date | None, day: str,
) -> PageLookup | HttpResponse:
    briefing = _briefing(slug)
    if as_of is None:
        return _bad_request(request, f"日付「{day}」を読み取れません。YYYY-MM-DD の形式（例：2025-02-09）で指定してください。")
    if is_future_day(as_of):
        raise Http404(f"{format_date_ja(as_of)}は未来の日付です。公開済みの版は今日までの日付で参照できます。")
    release = history.release_as_of_date(briefing=briefing, day=as_of)
    if release is None:
        raise _no_release_on(briefing, as_of)
    return PageLookup(release, None, None)


@served_while_database_down(lambda slug, number: f"release:{slug}:{number}")
def release_detail(request: HttpRequest, slug: str, number: int, last_good: str = "") -> HttpResponse:
    found = release_for_page(slug=slug, frame_version=frame_version(), number=number) \
        or PageLookup(_release(slug, number), None, None)
    return _release_page(request, found, view="release", last_good=last_good)


def release_list_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Every public release, newest first, a page at a time: edition, dates, kind, note, what it changed.

    Paged by release number (``?before=<n>`` older, ``?after=<n>`` newer) and
    entered at any day (``?date=YYYY-MM-DD``: from the release in force then),
    so a page costs the same at release 5,000 as at release 1.
    """
    briefing = _briefing(slug)
    kind = request.GET.get("kind", "")
    if kind and kind not in ReleaseKind.values:
        kinds = "、".join(f"{value}（{label}）" for value, label in ReleaseKind.choices)
        return _bad_request(request, f"種別「{kind[:40]}」はありません（{kinds}）。")
    latest = history.release_latest(briefing=briefing)
    if latest is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    try:
        before, after = _release_list_position(request, briefing)
    except ValueError as exc:
        return _bad_request(request, str(exc))
    page = history.release_page(briefing=briefing, size=RELEASE_LIST_PAGE, kind=kind, before=before, after=after)
    if not page.releases and (before is not None or after is not None):
        raise Http404("版の一覧のこのページには版がありません。一覧の最初から選んでください。")
    changed = changed_sections_by_release(releases=page.releases)
    urls = ReleaseUrls(slug)
    query = f"&kind={kind}" if kind else ""
    return render(request, "releases/release_list.html", {
        "briefing": briefing, "page": page, "kind": kind, "kinds": ReleaseKind.choices, "latest": latest,
        "entries": [release_list_entry(release, changed.get(release.pk, []), urls) for release in page.releases],
        "newer_url": f"?after={page.releases[0].number}{query}" if page.newer else "",
        "older_url": f"?before={page.releases[-1].number}{query}" if page.older else "",
        "paged": before is not None or after is not None,
        "first_shown": page.releases[0] if page.releases else None,
        "last_shown": page.releases[-1] if page.releases else None,
        "date_value": request.GET.get("date", "")[:10] if parse_iso_day(request.GET.get("date", "")) else "",
        "corrections": history.corrections_up_to(release=latest),
        "timemap": reverse("releases:timemap", kwargs={"slug": slug}),
    })


def _release_list_position(request: HttpRequest, briefing: Briefing) -> tuple[int | None, int | None]:
    """``(before, after)`` from ``?before=``, ``?after=`` or ``?date=``; a ValueError says what is wrong."""
    for name in ("before", "after"):
        value = request.GET.get(name, "")
        if value:
            if not value.isdigit() or not 1 <= int(value) <= history.MAX_NUMBER:
                raise ValueError(f"{name}「{value[:20]}」は版番号（1以上の整数）で指定してください。")
            return (int(value), None) if name == "before" else (None, int(value))
    day = request.GET.get("date", "").strip()
    if not day:
        return None, None
    return _release_on_day(briefing, "日付", day).number + 1, None


def _no_release_on(briefing: Briefing, day: dt.date) -> Http404:
    """The 404 of a day before the first release: it names the day the first release was published."""
    first = history.release_first(briefing=briefing)
    since = f"最初の版は{format_date_ja(to_tokyo(first.published_at).date())}に公開されました。" if first else ""
    return Http404(f"{format_date_ja(day)}の時点で公開されていた版はありません。{since}")


def _release_on_day(briefing: Briefing, name: str, day: str) -> Release:
    """The release in force at the end of ``day`` (a ``?name=`` value); ValueError or Http404 say what is wrong."""
    value = parse_iso_day(day)
    if value is None:
        raise ValueError(f"{name}「{day[:40]}」を読み取れません。"
                         "YYYY-MM-DD の形式（例：2025-02-09）で指定してください。")
    if is_future_day(value):
        raise ValueError(f"{name}「{day[:40]}」は未来の日付です。今日までの日付を指定してください。")
    release = history.release_as_of_date(briefing=briefing, day=value)
    if release is None:
        raise _no_release_on(briefing, value)
    return release


def release_pdf_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Release ``number`` as a PDF: the stored file, rendered from the artefact if not stored yet.

    Immutable (a release never changes): a year of caching, an ``ETag`` of the
    bytes and ``Last-Modified`` at the publication time, both answered with 304.
    A stored file is served even while the database is down (without
    ``Last-Modified`` then). Without a font covering Japanese nothing is
    rendered or stored: a 503 page says why.
    """
    data = stored_pdf(slug, number)
    if data is None:
        release: Release | None = _release(slug, number)
        try:
            data = release_pdf_store(history.artefact_of(release=release))
        except PdfUnavailable as exc:
            return render(request, "503.html", {"message": exc.message}, status=503)
    else:
        release = _release_if_reachable(slug, number)
    etag = etag_of(data)
    modified = http_date(release.published_at.timestamp()) if release else ""
    since = request.headers.get("If-Modified-Since", "")
    if if_none_match(request, etag) or (modified and not request.headers.get("If-None-Match") and since == modified):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{slug}-release-{number}.pdf"'
    response["ETag"] = etag
    if modified:
        response["Last-Modified"] = modified
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


CITE_FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", citing.to_bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", citing.to_ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8",
             lambda c: json.dumps([citing.to_csl(c)], ensure_ascii=False, indent=1) + "\n"),
}


def release_cite(request: HttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    """``cite.bib`` / ``cite.ris`` / ``cite.json``: the release for reference managers, read today.

    ``?anchor=c-…`` cites one sentence of the release.
    """
    if fmt not in CITE_FORMATS:
        raise Http404(f"引用の形式「{fmt[:20]}」はありません（cite.bib、cite.ris、cite.json）。")
    release = _release(slug, number)
    anchor = request.GET.get("anchor", "")
    if anchor and not is_anchor(anchor):
        return _bad_request(request, f"anchor「{anchor[:40]}」は文のアンカー（c- で始まる12文字）ではありません。")
    meta = rendering_for(release=release, fields=("page_meta",))["page_meta"]
    citation = citing.ReleaseCitation.of(meta, accessed=today_tokyo(), anchor=anchor)
    content_type, write = CITE_FORMATS[fmt]
    body = write(citation).encode("utf-8")
    response = respond(request, body=body, etag=etag_of(body), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{fmt}"'
    return response


BIBLIOGRAPHY_FORMATS: dict[str, tuple[str, Callable[[list[dict[str, Any]]], str]]] = {
    "bib": ("application/x-bibtex; charset=utf-8", csl_to_bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", csl_to_ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8",
             lambda items: json.dumps(items, ensure_ascii=False, indent=1) + "\n"),
}


def release_sources(request: HttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    """``sources.bib`` / ``sources.ris`` / ``sources.json``: every source release ``number`` cites.

    Written from the CSL frozen in the release's artefact (BibTeX and RIS from
    the same items as the CSL-JSON), in the order of first citation. A release
    never changes: a year of caching and an ``ETag`` of the bytes, answered with 304.
    """
    if fmt not in BIBLIOGRAPHY_FORMATS:
        raise Http404(f"出典一覧の形式「{fmt[:20]}」はありません（sources.bib、sources.ris、sources.json）。")
    release = history.release_by_slug(slug=slug, number=number) or _release(slug, number)
    content_type, write = BIBLIOGRAPHY_FORMATS[fmt]
    body = write(history.cited_sources_csl(history.artefact_of(release=release))).encode("utf-8")
    response = respond(request, body=body, etag=etag_of(body), content_type=content_type, cache_control=IMMUTABLE)
    response["Content-Disposition"] = f'attachment; filename="{slug}-r{release.number}-sources.{fmt}"'
    return response


def release_dead_links(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The dead links among the sources release ``number`` cites: the marks ``release.js`` puts by its notes.

    Small (that release's sources only), cached on the server for
    ``DEAD_LINKS_TTL`` seconds, and conditional: ``ETag`` with a 304 on
    ``If-None-Match`` and ``max-age``, so a page view costs no request while
    the browser's copy is fresh and an empty 304 after. Links die and get
    archived after publication, so this is live information, never frozen.
    """
    release = history.release_by_slug(slug=slug, number=number) or _release(slug, number)
    key = f"release-dead-links:{release.pk}"
    body: bytes | None = cache.get(key)
    if body is None:
        source_ids = rendering_for(release=release, fields=("page_meta",))["page_meta"]["source_ids"]
        body = json.dumps({"release": release.number, "dead_links": dead_links(source_ids=source_ids)},
                          ensure_ascii=False).encode("utf-8")
        cache.set(key, body, timeout=DEAD_LINKS_TTL)
    return respond(request, body=body, etag=etag_of(body), content_type="application/json",
                   cache_control=f"public, max-age={DEAD_LINKS_MAX_AGE}")


def claim_page(request: HttpRequest, slug: str, anchor: str) -> HttpResponse:
    """One sentence: the releases it appears in, its notes and sources, the events linked to it."""
    briefing = _briefing(slug)
    number = request.GET.get("release", "")
    if number and not number.isdigit():
        return _bad_request(request, f"release「{number[:20]}」は版番号（整数）で指定してください。")
    view = claim_view(briefing=briefing, anchor=anchor, number=int(number) if number else None) \
        if is_anchor(anchor) else None
    if view is None:
        where = f"第{number}版に" if number else "公開された版に"
        raise Http404(f"「{briefing.title}」の{where}文「{anchor[:20]}」はありません。")
    meta = rendering_for(release=view.shown.release, fields=("page_meta",))["page_meta"]
    citation = citing.ReleaseCitation.of(meta, accessed=today_tokyo(), anchor=anchor)
    return render(request, "releases/claim.html", {
        "briefing": briefing, "view": view, "release": view.shown.release, "citation": citation,
        "cite_html": live_parts.cite_block(view.shown.release, citation, _styles(citation), title="この文を引用する",
                                           query=f"?anchor={anchor}"),
    })


def timemap(request: HttpRequest, slug: str) -> HttpResponse:
    """The Memento TimeMap (``application/link-format``), paged: the newest page, or ``?from_release=<n>``."""
    found = _timemap_of(request, slug)
    if isinstance(found, HttpResponse):
        return found
    body = memento.timemap_link_format(found).encode("utf-8")
    return respond(request, body=body, etag=etag_of(body), content_type="application/link-format; charset=utf-8")


def timemap_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The TimeMap as JSON (the Memento aggregator's shape), paged like the link-format one."""
    found = _timemap_of(request, slug)
    if isinstance(found, HttpResponse):
        return found
    body = json.dumps(memento.timemap_json(found), ensure_ascii=False, indent=1).encode("utf-8")
    return respond(request, body=body, etag=etag_of(body), content_type="application/json")


def _timemap_of(request: HttpRequest, slug: str) -> memento.TimeMap | HttpResponse:
    briefing = _briefing(slug)
    start = request.GET.get("from_release", "")
    if start and not (start.isdigit() and int(start) >= 1):
        return _bad_request(request, f"from_release「{start[:20]}」は版番号（1以上の整数）で指定してください。")
    requested = int(start) if start else None
    page = history.timemap_page(briefing=briefing, size=memento.TIMEMAP_PAGE, start=requested)
    if page.last is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    if not page.rows:
        raise Http404(f"TimeMap に第{start}版からのページはありません（最新は第{page.last[0]}版）。")
    return memento.timemap_of(slug, page)


def briefing_search(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the latest release (or ``?release=n``) for sentences and notes containing the words."""
    briefing = _briefing(slug)
    latest = history.release_latest(briefing=briefing)
    if latest is None:
        raise Http404(f"「{briefing.title}」に公開された版はありません。")
    number = request.GET.get("release", "")
    if number and not number.isdigit():
        return _bad_request(request, f"release「{number[:20]}」は版番号（整数）で指定してください。")
    release = history.release_by_number(briefing=briefing, number=int(number)) if number else latest
    if release is None:
        raise Http404(f"「{briefing.title}」に第{number}版はありません。")
    query = request.GET.get("q", "")[:200]
    hits = search.search_release(frozen=history.artefact_of(release=release), query=query)
    return render(
        request, "releases/search.html",
        {"briefing": briefing, "release": release, "latest": latest, "query": query,
         "terms": search.search_terms(query), "hits": hits},
    )


def briefing_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed between the releases in force at two dates (or two release numbers)."""
    briefing = _briefing(slug)
    first = history.release_first(briefing=briefing)
    latest = history.release_latest(briefing=briefing)
    if first is None or latest is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    try:
        old = _release_param(request, briefing, "from", default=first)
        new = _release_param(request, briefing, "to", default=latest)
    except ValueError as exc:
        return _bad_request(request, str(exc))
    if old.number > new.number:
        return _bad_request(
            request, f"比較の始点（第{old.number}版）が終点（第{new.number}版）より後です。from と to を入れ替えてください。"
        )
    changes = changes_between(old=old, new=new)
    between = list(
        Release.objects.of(briefing).published().filter(number__gt=old.number, number__lte=new.number)
        .order_by("-number")[:HISTORY_PAGE + 1]
    )  # the newest HISTORY_PAGE, and whether there are more (the release list pages through them)
    return render(
        request,
        "releases/changes.html",
        {"briefing": briefing, "changes": changes, "between": between[:HISTORY_PAGE],
         "more_between": len(between) > HISTORY_PAGE, "first": first, "latest": latest,
         "from_value": request.GET.get("from", ""), "to_value": request.GET.get("to", "")},
    )


def section_history_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The releases that changed one section, newest first, with links to each release and its diff."""
    briefing = _briefing(slug)
    section = briefing.sections.filter(key=key).first()
    before = request.GET.get("before", "")
    if before and not (before.isdigit() and 1 <= int(before) <= history.MAX_NUMBER):
        return _bad_request(request, f"before「{before[:20]}」は版番号（1以上の整数）で指定してください。")
    entries = section_history(section=section, limit=HISTORY_PAGE + 1, before=int(before) if before else None) \
        if section is not None else []
    if section is None or not (entries or before):
        raise Http404(f"「{briefing.title}」に公開された節「{key}」はありません。")
    more = len(entries) > HISTORY_PAGE
    entries = entries[:HISTORY_PAGE]
    urls = ReleaseUrls(slug)
    return render(request, "releases/section_history.html", {
        "briefing": briefing, "section": section,
        "entries": [section_history_entry(item.entry, item.release, item.previous_number, key=section.key, urls=urls)
                    for item in entries],
        "current": entries[0].entry if entries else None,
        "older": entries[-1].release.number if more and entries else None, "paged": bool(before),
    })


def _release_param(request: HttpRequest, briefing: Briefing, name: str, *, default: Release) -> Release:
    """Resolve ``?from=``/``?to=`` (a date) or ``?from_release=``/``?to_release=`` (a number)."""
    number = request.GET.get(f"{name}_release")
    if number:
        if not number.isdigit():
            raise ValueError(f"{name}_release「{number}」は版番号（1以上の整数）で指定してください。")
        release = history.release_by_number(briefing=briefing, number=int(number))
        if release is None:
            raise Http404(f"「{briefing.title}」の第{number}版はありません。")
        return release
    day = request.GET.get(name)
    if not day:
        return default
    return _release_on_day(briefing, name, day)


def source_list_page(request: HttpRequest) -> HttpResponse:
    """Bibliography of the public sources, filterable by kind, URL domain and text."""
    kind = request.GET.get("kind", "")
    if kind and kind not in SourceKind.values:
        return _bad_request(request, f"種別「{kind}」はありません（{'、'.join(SourceKind.labels)}）。")
    domain, q = request.GET.get("domain", "").strip()[:255], request.GET.get("q", "").strip()[:200]
    number = request.GET.get("page", "1")
    if not number.isdigit() or int(number) < 1:
        return _bad_request(request, f"page「{number[:20]}」はページ番号（1以上の整数）で指定してください。")
    page = bibliography.bibliography_page(sources=bibliography.source_queryset(kind=kind, domain=domain, q=q),
                                          page=int(number), per_page=SOURCE_PAGE)
    if page.number > page.num_pages:
        raise Http404(f"出典一覧に{page.number}ページ目はありません（全{page.num_pages}ページ）。")
    domains = sorted(set(Source.objects.public().exclude(url_domain="").values_list("url_domain", flat=True)))
    filters = urlencode({name: value for name, value in (("kind", kind), ("domain", domain), ("q", q)) if value})
    return render(
        request, "releases/source_list.html",
        {"entries": page.entries, "page": page, "filters": filters, "kinds": SourceKind.choices, "domains": domains,
         "kind": kind, "domain": domain, "q": q},
    )


def source_csl_export(request: HttpRequest) -> HttpResponse:
    """The public bibliography as CSL-JSON, for reference managers (same filters as /sources/)."""
    kind = request.GET.get("kind", "")
    if kind and kind not in SourceKind.values:
        return JsonResponse({"detail": f"種別「{kind}」はありません。"}, status=400)
    sources = bibliography.source_queryset(kind=kind, domain=request.GET.get("domain", "")[:255],
                                           q=request.GET.get("q", "")[:200]).order_by("pk")
    response = JsonResponse([to_csl(source) for source in sources], safe=False,
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/vnd.citationstyles.csl+json; charset=utf-8"
    response["Content-Disposition"] = 'inline; filename="sources.csl.json"'
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = "お探しのページは見つかりませんでした。"
    if exception is not None and exception.args and isinstance(exception.args[0], str) and exception.args[0]:
        message = exception.args[0]
    if is_api(request):
        return api_not_found(request)
    return render(request, "404.html", {"message": message}, status=404)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _briefing(slug: str) -> Briefing:
    try:
        return briefing_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _release(slug: str, number: int) -> Release:
    briefing = _briefing(slug)
    release = history.release_by_number(briefing=briefing, number=number)
    if release is None:
        raise Http404(f"「{briefing.title}」の第{number}版はありません。")
    return release


def _release_if_reachable(slug: str, number: int) -> Release | None:
    """The release, or None while the database cannot be reached (a stored file is served anyway)."""
    try:
        return _release(slug, number)
    except DatabaseError:
        return None


def _release_page(
    request: HttpRequest, found: PageLookup, *, view: str, as_of: dt.date | None = None,
    headers: Callable[[], dict[str, str]] | None = None, last_good: str = "",
) -> HttpResponse:
    """A page of a frozen release with the live information beside it, cached per state of both.

    Release and as-of pages are Mementos (``Memento-Datetime`` and ``Link``);
    the latest page is the Original Resource and passes its own ``headers``.
    """
    release = found.release
    state = found.state or live_state_refresh(briefing=release.briefing_id)
    if state is None:  # the release stopped being public (a restore) between two queries
        raise Http404(f"「{release.briefing.title}」はまだ公開されていません。")
    currency = currency_of(release=release, state=state)
    around = cache_once(  # body and headers share it; the one-query lookup brought it along with the live state
        lambda: found.around if found.state else history.neighbours_of(release=release, latest=currency.latest))

    def memento_headers() -> dict[str, str]:
        if headers is not None:
            return headers()
        return {"Memento-Datetime": memento.memento_datetime(release),
                "Link": memento.link_header(release.briefing.slug, around(), selected=release)}

    return cached_release_page(
        request, key=f"{view}:{release.pk}:{as_of}:{currency.stamp}",
        render=lambda: _render_release(release, view=view, as_of=as_of, currency=currency, around=around(),
                                       frame=found.frame),
        headers=memento_headers, last_good=last_good,
    )


def _render_release(
    release: Release, *, view: str, as_of: dt.date | None, currency: Currency, around: history.Neighbours,
    frame: tuple[str, dict[str, Any]] | None,
) -> HttpResponse:
    """The page of a frozen release: its stored frame, with the live parts rendered and put in its slots.

    ``frame``: the stored frame when the page's lookup brought it along.
    """
    html, meta = frame or page_frame(release=release)
    version, today = frame_version(), currency.today
    pending = [(key, currency.labels.get(key, key), events) for key, events in currency.pending.items()]
    # The navigation and the citation change with the day and the neighbours, not with the live state: each
    # is made once per process for what determines it (by content, not by ids, which a restore could reuse).
    where = (get_script_prefix(), release.briefing.slug, release.number, release.published_at)
    neighbours = tuple((other.number, other.published_at) if other else None
                       for other in (around.first, around.previous, around.next, around.last))
    slots = {
        "correction": live_parts.correction_notice(release, around),
        "currency": live_parts.currency_section(release, currency, pending),
        "as_of": live_parts.as_of_note(as_of if view == "as_of" else None),
        "nav": _PARTS.get(("nav", *where, neighbours, as_of, today),
                          lambda: live_parts.release_nav(release, around, as_of=as_of, today=today)),
        "cite": _PARTS.get(("cite", *where, meta["digest"], version, today), lambda: _cite_block(release, meta, today)),
    }
    badges = {
        key: format_html(' <a class="live-badge" href="#pending-{}">未反映の出来事 {}件</a>', key, len(events))
        for key, events in currency.pending.items()
    }
    filled = _fill(html, lambda kind, name: slots.get(name, "") if kind == "slot" else badges.get(name, ""))
    response = HttpResponse(_with_archived_copies(filled, currency.archived), content_type="text/html; charset=utf-8")
    # The page is the frame (fixed for this release and frame version) with these parts put in: the same
    # inputs always give the same bytes, so their digest is a strong ETag, without hashing 150 KB.
    inputs = [str(release.pk), version, *slots.values(), *badges.values(), repr(sorted(currency.archived.items()))]
    setattr(response, ETAG_OF_INPUTS, etag_of("\x00".join(inputs).encode()))
    return response


def _fill(html: str, part: Callable[[str, str], str]) -> str:
    """Put ``part(kind, name)`` at each ``<!--slot:NAME-->`` and ``<!--live:KEY-->`` of a page: one scan of it.

    Other comments (a frozen body may hold some) stay as they are.
    """
    pieces, position = [], 0
    while (start := html.find("<!--", position)) >= 0:  # str.find is several times faster than a regex scan
        match = _SLOT.match(html, start)
        if match is None:
            pieces.append(html[position:start + 4])
            position = start + 4
            continue
        pieces += (html[position:start], part(*match.groups()))
        position = match.end()
    pieces.append(html[position:])
    return "".join(pieces)


def _cite_block(release: Release, meta: dict[str, Any], today: dt.date) -> str:
    citation = citing.ReleaseCitation.of(meta, accessed=today)
    return live_parts.cite_block(release, citation, _styles(citation), title="この版を引用する")


def _styles(citation: citing.ReleaseCitation) -> list[tuple[str, str, str]]:
    return [("sist02", "SIST 02", citing.sist02(citation)), ("apa", "APA", citing.apa(citation)),
            ("chicago", "Chicago", citing.chicago(citation))]


def _with_archived_copies(html: str, archived: dict[str, str]) -> str:
    """Give each Robust Link whose source has an archived copy now its ``data-versionurl`` (live, never frozen)."""
    for url, archive in archived.items():
        original = f'data-originalurl="{escape(url)}"'
        if original in html:
            html = html.replace(original, f'{original} data-versionurl="{escape(archive)}"')
    return html
