"""Atom feed of a briefing's releases: what changed and why, with links on the canonical origin (``SITE_URL``).

The feed is how readers subscribe, so it announces the releases that notify
(updates and corrections, ``NOTIFYING_KINDS``); minor changes are listed on the
release list only. Each entry's summary is HTML: the release note, the
sections changed with their change summaries, and a link to the changes.
Conditional requests (``If-None-Match``, ``If-Modified-Since``) get a 304.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, linebreaks
from django.views.decorators.http import condition

from briefings.models import NOTIFYING_KINDS, Briefing
from briefings.selectors.catalog import briefing_get
from core.dates import format_date_ja, to_tokyo
from core.errors import NotFound
from core.site import absolute_url
from releases.listing import ReleaseUrls, changed_sections_html
from releases.models import Release
from releases.selectors.changes import changed_sections_by_release

FEED_SIZE = 10  # the newest releases (WordPress's default too); older ones are on the release list
FEED_VERSION = "3"  # bump when an entry's content changes shape


@dataclass
class FeedSubject:
    """Everything one request's feed shows (kept per request: the Feed instance is shared)."""

    briefing: Briefing
    releases: list[Release]
    changed: dict[int, list[tuple[str, str]]]


@dataclass(frozen=True)
class FeedItem:
    """One entry: the release, the sections it changed, and absolute URLs made once per feed (not per entry)."""

    release: Release
    changed: list[tuple[str, str]]
    link: str
    changes: str


class ReleaseFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> FeedSubject:  # type: ignore[override]
        try:
            briefing = briefing_get(slug=slug)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        releases = list(_announced(briefing.slug).select_related("briefing")[:FEED_SIZE])
        if not releases:
            raise Http404(f"「{briefing.title}」はまだ公開されていません。")
        return FeedSubject(briefing, releases, changed_sections_by_release(releases=releases))

    def title(self, obj: FeedSubject) -> str:
        return f"{obj.briefing.title}：更新履歴"

    def subtitle(self, obj: FeedSubject) -> str:
        return obj.briefing.description or f"{obj.briefing.title}の公開版（更新・訂正。軽微な変更は版の一覧のみ）"

    def link(self, obj: FeedSubject) -> str:
        return absolute_url(reverse("releases:latest", kwargs={"slug": obj.briefing.slug}))

    def feed_url(self, obj: FeedSubject) -> str:
        return absolute_url(reverse("releases:feed", kwargs={"slug": obj.briefing.slug}))

    def feed_guid(self, obj: FeedSubject) -> str:
        return self.feed_url(obj)

    def author_name(self, obj: FeedSubject) -> str:
        return obj.briefing.author or obj.briefing.publication or "政策ブリーフィング"

    def items(self, obj: FeedSubject) -> list[FeedItem]:
        urls = ReleaseUrls(obj.briefing.slug)
        site = absolute_url("/").removesuffix("/")
        return [FeedItem(release, obj.changed.get(release.pk, []), f"{site}{urls.release(release.number)}",
                         f"{site}{urls.changes}") for release in obj.releases]

    def item_title(self, item: FeedItem) -> str:
        return f"{item.release.edition_kind_label}・{item.release.information_as_of_label}"

    def item_description(self, item: FeedItem) -> str:
        """HTML (Atom ``type="html"``): the note, the sections changed, links; every value escaped."""
        release = item.release
        parts = [format_html("<p>{}公開・{}・{}</p>", format_date_ja(to_tokyo(release.published_at).date()),
                             release.edition_kind_label, release.information_as_of_label)]
        if release.summary:
            parts.append(linebreaks(release.summary, autoescape=True))
        parts.append(changed_sections_html(item.changed))
        if release.number > 1:
            parts.append(format_html('<p><a href="{}?from_release={}&amp;to_release={}">前の版からの変更点</a></p>',
                                     item.changes, release.number - 1, release.number))
        return "".join(parts)

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        release = item.release
        return f"tag:briefings,{to_tokyo(release.published_at):%Y-%m-%d}:{release.briefing.slug}/releases/{release.number}"

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        return item.release.published_at

    def item_updateddate(self, item: FeedItem) -> dt.datetime:
        return item.release.published_at


def _announced(slug: str):  # type: ignore[no-untyped-def]
    return Release.objects.filter(briefing__slug=slug, kind__in=NOTIFYING_KINDS).published().newest_first()


def _newest_announced(slug: str) -> tuple[int, dt.datetime] | None:
    """The newest announced release's id and publication time: one seek down ``release_as_of``, never an aggregate."""
    return _announced(slug).values_list("pk", "published_at").first()  # type: ignore[no-any-return]


def _feed_etag(request: HttpRequest, slug: str) -> str | None:
    newest = _newest_announced(slug)
    return f'"feed-{FEED_VERSION}-{newest[0]}-{newest[1].timestamp():.6f}"' if newest else None


def _feed_modified(request: HttpRequest, slug: str) -> dt.datetime | None:
    newest = _newest_announced(slug)
    return newest[1] if newest else None


_feed = ReleaseFeed()


@condition(etag_func=_feed_etag, last_modified_func=_feed_modified)
def conditional_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The Atom feed, answering conditional requests with 304 before anything is rendered."""
    return _feed(request, slug=slug)
