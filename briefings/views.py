"""Reader pages. Views parse the URL, call one selector and render."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from briefings.caching import cached_release_page, immutable_hit
from briefings.models import Briefing, Release
from briefings.pdf import release_pdf
from briefings.selectors import bibliography, catalog, history, search
from briefings.selectors.changes import changes_between, section_history
from core.dates import format_date_ja, to_tokyo, today_tokyo
from core.errors import NotFound
from sources.citations import to_csl
from sources.models import Source, SourceKind


def briefing_list(request: HttpRequest) -> HttpResponse:
    return render(request, "briefings/briefing_list.html", {"briefings": catalog.briefing_list_published()})


def briefing_latest(request: HttpRequest, slug: str) -> HttpResponse:
    briefing = _briefing(slug)
    release = history.release_latest(briefing=briefing)
    if release is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    return cached_release_page(
        request, key=f"latest:{release.pk}", immutable=False,
        render=lambda: _render_release(request, briefing, release, view="latest"),
    )


def briefing_as_of(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    if (hit := immutable_hit(request)) is not None:
        return hit
    briefing = _briefing(slug)
    as_of = _parse_day(day)
    if as_of is None:
        return render(
            request,
            "400.html",
            {"message": f"日付「{day}」を読み取れません。YYYY-MM-DD の形式（例：2025-02-09）で指定してください。"},
            status=400,
        )
    if as_of > today_tokyo():
        raise Http404(f"{format_date_ja(as_of)}は未来の日付です。公開済みの版は今日までの日付で参照できます。")
    release = history.release_as_of_date(briefing=briefing, day=as_of)
    if release is None:
        first = history.release_first(briefing=briefing)
        since = f"最初の版は{format_date_ja(to_tokyo(first.published_at).date())}に公開されました。" if first else ""
        raise Http404(f"{format_date_ja(as_of)}の時点で公開されていた版はありません。{since}")
    return cached_release_page(
        request, key=f"as-of:{release.pk}:{as_of.isoformat()}", immutable=as_of < today_tokyo(),
        render=lambda: _render_release(request, briefing, release, view="as_of", as_of=as_of),
    )


def release_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    if (hit := immutable_hit(request)) is not None:
        return hit
    briefing = _briefing(slug)
    release = history.release_by_number(briefing=briefing, number=number)
    if release is None:
        raise Http404(f"「{briefing.title}」の第{number}版はありません。")
    return cached_release_page(
        request, key=f"release:{release.pk}", immutable=True,
        render=lambda: _render_release(request, briefing, release, view="release"),
    )


def release_pdf_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Release ``number`` as a PDF, Japanese fonts embedded, notes after each section."""
    briefing = _briefing(slug)
    release = history.release_by_number(briefing=briefing, number=number)
    if release is None:
        raise Http404(f"「{briefing.title}」の第{number}版はありません。")
    permalink = request.build_absolute_uri(reverse("briefings:release", kwargs={"slug": slug, "number": number}))
    response = HttpResponse(release_pdf(request=request, release=release, permalink=permalink),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-release-{number}.pdf"'
    return response


def briefing_search(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the latest release (or ``?release=n``) for sentences and notes containing the words."""
    briefing = _briefing(slug)
    number = request.GET.get("release", "")
    if number and not number.isdigit():
        return render(request, "400.html", {"message": f"release「{number}」は版番号（整数）で指定してください。"}, status=400)
    release = history.release_by_number(briefing=briefing, number=int(number)) if number else history.release_latest(
        briefing=briefing
    )
    if release is None:
        raise Http404(f"「{briefing.title}」に{'第' + number + '版' if number else '公開された版'}はありません。")
    query = request.GET.get("q", "")[:200]
    hits = search.search_release(release=release, query=query)
    return render(
        request, "briefings/search.html",
        {"briefing": briefing, "release": release, "query": query, "terms": search.search_terms(query), "hits": hits,
         "releases": history.release_list(briefing=briefing)},
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
        return render(request, "400.html", {"message": str(exc)}, status=400)
    if old.number > new.number:
        return render(
            request, "400.html",
            {"message": f"比較の始点（第{old.number}版）が終点（第{new.number}版）より後です。from と to を入れ替えてください。"},
            status=400,
        )
    changes = changes_between(old=old, new=new)
    between = [r for r in history.release_list(briefing=briefing) if old.number < r.number <= new.number]
    return render(
        request,
        "briefings/changes.html",
        {"briefing": briefing, "changes": changes, "between": between, "first": first, "latest": latest,
         "from_value": request.GET.get("from", ""), "to_value": request.GET.get("to", "")},
    )


def section_history_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Every published revision of one section, with its release and a link to its diff."""
    briefing = _briefing(slug)
    section = briefing.sections.filter(key=key).first()
    releases = history.release_list(briefing=briefing)
    if section is None or not releases:
        raise Http404(f"「{briefing.title}」に節「{key}」はありません。")
    entries = section_history(section=section, releases=releases)
    if not entries:
        raise Http404(f"節「{key}」はまだ公開されていません。")
    return render(request, "briefings/section_history.html",
                  {"briefing": briefing, "section": section, "entries": entries, "current": entries[0].revision})


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
    value = _parse_day(day)
    if value is None:
        raise ValueError(f"{name}「{day}」を読み取れません。YYYY-MM-DD の形式（例：2025-02-09）で指定してください。")
    if value > today_tokyo():
        raise ValueError(f"{name}「{day}」は未来の日付です。今日までの日付を指定してください。")
    release = history.release_as_of_date(briefing=briefing, day=value)
    if release is None:
        raise Http404(f"{format_date_ja(value)}の時点で公開されていた版はありません。")
    return release


def source_list_page(request: HttpRequest) -> HttpResponse:
    """Bibliography of every source, filterable by kind, URL domain and text."""
    kind = request.GET.get("kind", "")
    if kind and kind not in SourceKind.values:
        return render(request, "400.html", {"message": f"種別「{kind}」はありません（{'、'.join(SourceKind.labels)}）。"},
                      status=400)
    domain, q = request.GET.get("domain", "").strip()[:255], request.GET.get("q", "").strip()[:200]
    entries = bibliography.bibliography(sources=bibliography.source_queryset(kind=kind, domain=domain, q=q))
    # order_by(): the model's default ordering would add its columns to the DISTINCT (one row per source)
    domains = list(Source.objects.exclude(url_domain="").order_by("url_domain").values_list("url_domain", flat=True)
                   .distinct())
    return render(
        request, "briefings/source_list.html",
        {"entries": entries, "kinds": SourceKind.choices, "domains": domains, "kind": kind, "domain": domain, "q": q},
    )


def source_csl_export(request: HttpRequest) -> HttpResponse:
    """The bibliography as CSL-JSON, for reference managers (same filters as /sources/)."""
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


def _parse_day(text: str) -> dt.date | None:
    """A YYYY-MM-DD date from a URL or query string, else ``None``."""
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _common_access_date(snapshot: history.Snapshot) -> dt.date | None:
    """The access date most of the release's cited URLs share (stated once, as the paper does)."""
    dates = Counter(
        citation.source.accessed_on
        for note in snapshot.footnotes
        for citation in note.citations
        if citation.source.url and citation.source.accessed_on
    )
    return dates.most_common(1)[0][0] if dates else None


def _briefing(slug: str) -> Briefing:
    try:
        return catalog.briefing_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _render_release(
    request: HttpRequest, briefing: Briefing, release: Release, *, view: str, as_of: dt.date | None = None
) -> HttpResponse:
    snapshot = history.snapshot_for_release(release=release)
    first = history.release_first(briefing=briefing)
    permalink = request.build_absolute_uri(
        reverse("briefings:release", kwargs={"slug": briefing.slug, "number": release.number})
    )
    return render(
        request,
        "briefings/release_detail.html",
        {
            "briefing": briefing,
            "release": release,
            "snapshot": snapshot,
            "view": view,
            "as_of": as_of,
            "permalink": permalink,
            "first": first,
            "since": to_tokyo(first.published_at).date() if first else None,
            "access_date": _common_access_date(snapshot),
        },
    )
