"""Reader pages. Views parse the URL, call one selector or service, and render.

Every page of a release is served from what was frozen when it was published:
the release row, its manifest and its artefact (with the renderings derived
from it), never the live revision, footnote or source rows.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from briefings.models import Briefing
from briefings.selectors.catalog import briefing_get
from core.dates import day_has_ended, format_date_ja, is_future_day, parse_iso_day, to_tokyo
from core.errors import NotFound
from core.site import absolute_url
from releases.caching import cached_release_page, immutable_hit
from releases.models import Release
from releases.pdf import release_pdf_store, stored_pdf
from releases.selectors import bibliography, catalog, history, search
from releases.selectors.changes import changes_between, section_history
from releases.services.rendering import rendering_for
from sources.citations import to_csl
from sources.models import Source, SourceKind

HISTORY_PAGE = 50


def briefing_list(request: HttpRequest) -> HttpResponse:
    return render(request, "releases/briefing_list.html", {"briefings": catalog.briefing_list_published()})


def briefing_latest(request: HttpRequest, slug: str) -> HttpResponse:
    briefing = _briefing(slug)
    release = history.release_latest(briefing=briefing)
    if release is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    return cached_release_page(
        request, key=f"latest:{release.pk}", immutable=False,
        render=lambda: _render_release(request, release, view="latest"),
    )


def briefing_as_of(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    if (hit := immutable_hit(request)) is not None:
        return hit
    briefing = _briefing(slug)
    as_of = parse_iso_day(day)
    if as_of is None:
        return _bad_request(request, f"日付「{day}」を読み取れません。YYYY-MM-DD の形式（例：2025-02-09）で指定してください。")
    if is_future_day(as_of):
        raise Http404(f"{format_date_ja(as_of)}は未来の日付です。公開済みの版は今日までの日付で参照できます。")
    release = history.release_as_of_date(briefing=briefing, day=as_of)
    if release is None:
        first = history.release_first(briefing=briefing)
        since = f"最初の版は{format_date_ja(to_tokyo(first.published_at).date())}に公開されました。" if first else ""
        raise Http404(f"{format_date_ja(as_of)}の時点で公開されていた版はありません。{since}")
    return cached_release_page(
        request, key=f"as-of:{release.pk}:{as_of.isoformat()}", immutable=day_has_ended(as_of),
        render=lambda: _render_release(request, release, view="as_of", as_of=as_of),
    )


def release_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    if (hit := immutable_hit(request)) is not None:
        return hit
    release = _release(slug, number)
    return cached_release_page(
        request, key=f"release:{release.pk}", immutable=True,
        render=lambda: _render_release(request, release, view="release"),
    )


def release_pdf_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Release ``number`` as a PDF: the stored file, rendered from the artefact if not stored yet."""
    data = stored_pdf(slug, number)
    if data is None:
        release = _release(slug, number)
        data = release_pdf_store(history.artefact_of(release=release))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-release-{number}.pdf"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def briefing_search(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the latest release (or ``?release=n``) for sentences and notes containing the words."""
    briefing = _briefing(slug)
    latest = history.release_latest(briefing=briefing)
    if latest is None:
        raise Http404(f"「{briefing.title}」に公開された版はありません。")
    number = request.GET.get("release", "")
    if number and not number.isdigit():
        return _bad_request(request, f"release「{number}」は版番号（整数）で指定してください。")
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
        .order_by("-number")[:HISTORY_PAGE]
    )
    return render(
        request,
        "releases/changes.html",
        {"briefing": briefing, "changes": changes, "between": between, "first": first, "latest": latest,
         "from_value": request.GET.get("from", ""), "to_value": request.GET.get("to", "")},
    )


def section_history_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The releases that changed one section, newest first, with links to each release and its diff."""
    briefing = _briefing(slug)
    section = briefing.sections.filter(key=key).first()
    before = request.GET.get("before", "")
    if before and not before.isdigit():
        return _bad_request(request, f"before「{before}」は版番号（整数）で指定してください。")
    entries = section_history(section=section, limit=HISTORY_PAGE + 1, before=int(before) if before else None) \
        if section is not None else []
    if not entries and not before:
        raise Http404(f"「{briefing.title}」に公開された節「{key}」はありません。")
    more = len(entries) > HISTORY_PAGE
    entries = entries[:HISTORY_PAGE]
    return render(request, "releases/section_history.html", {
        "briefing": briefing, "section": section, "entries": entries,
        "current": entries[0].entry if entries else None,
        "older": entries[-1].release.number if more and entries else None,
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
    value = parse_iso_day(day)
    if value is None:
        raise ValueError(f"{name}「{day}」を読み取れません。YYYY-MM-DD の形式（例：2025-02-09）で指定してください。")
    if is_future_day(value):
        raise ValueError(f"{name}「{day}」は未来の日付です。今日までの日付を指定してください。")
    release = history.release_as_of_date(briefing=briefing, day=value)
    if release is None:
        raise Http404(f"{format_date_ja(value)}の時点で公開されていた版はありません。")
    return release


def source_list_page(request: HttpRequest) -> HttpResponse:
    """Bibliography of the public sources, filterable by kind, URL domain and text."""
    kind = request.GET.get("kind", "")
    if kind and kind not in SourceKind.values:
        return _bad_request(request, f"種別「{kind}」はありません（{'、'.join(SourceKind.labels)}）。")
    domain, q = request.GET.get("domain", "").strip()[:255], request.GET.get("q", "").strip()[:200]
    entries = bibliography.bibliography(sources=bibliography.source_queryset(kind=kind, domain=domain, q=q))
    domains = sorted(set(Source.objects.public().exclude(url_domain="").values_list("url_domain", flat=True)))
    return render(
        request, "releases/source_list.html",
        {"entries": entries, "kinds": SourceKind.choices, "domains": domains, "kind": kind, "domain": domain, "q": q},
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
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"{request.path} は存在しません。", "code": "not_found"}, status=404)
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


def _render_release(request: HttpRequest, release: Release, *, view: str, as_of: dt.date | None = None) -> HttpResponse:
    """The page of a frozen release: the stored body, and the chrome around it from the release row."""
    rendering = rendering_for(release=release, fields=("content_html", "page_meta"))
    first = history.release_first(briefing=release.briefing)
    path = reverse("releases:release", kwargs={"slug": release.briefing.slug, "number": release.number})
    return render(
        request,
        "releases/release_detail.html",
        {
            "briefing": SimpleNamespace(**rendering["page_meta"]["briefing"]),
            "release": release,
            "digest": rendering["page_meta"]["digest"],
            "content_html": mark_safe(rendering["content_html"]),  # noqa: S308 - rendered from the artefact by our own escaping templates
            "view": view,
            "as_of": as_of,
            "permalink": absolute_url(path),
            "first": first,
            "since": to_tokyo(first.published_at).date() if first else None,
        },
    )
