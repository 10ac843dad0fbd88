"""Atom feed of a briefing's releases: what changed, with links on the canonical origin (``SITE_URL``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from briefings.models import Briefing
from briefings.selectors.catalog import briefing_get
from core.dates import format_date_ja, to_tokyo
from core.errors import NotFound
from core.site import absolute_url
from releases.models import Release
from releases.selectors.changes import changed_sections_by_release

FEED_SIZE = 50


@dataclass
class FeedSubject:
    """Everything one request's feed shows (kept per request: the Feed instance is shared)."""

    briefing: Briefing
    releases: list[Release]
    changed: dict[int, list[tuple[str, str]]]


class ReleaseFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> FeedSubject:  # type: ignore[override]
        try:
            briefing = briefing_get(slug=slug)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        releases = list(
            Release.objects.of(briefing).published().newest_first().select_related("briefing")[:FEED_SIZE]
        )
        if not releases:
            raise Http404(f"「{briefing.title}」はまだ公開されていません。")
        return FeedSubject(briefing, releases, changed_sections_by_release(releases=releases))

    def title(self, obj: FeedSubject) -> str:
        return f"{obj.briefing.title}：更新履歴"

    def subtitle(self, obj: FeedSubject) -> str:
        return obj.briefing.description or f"{obj.briefing.title}の公開版（更新・訂正）の一覧"

    def link(self, obj: FeedSubject) -> str:
        return absolute_url(reverse("releases:latest", kwargs={"slug": obj.briefing.slug}))

    def feed_url(self, obj: FeedSubject) -> str:
        return absolute_url(reverse("releases:feed", kwargs={"slug": obj.briefing.slug}))

    def feed_guid(self, obj: FeedSubject) -> str:
        return self.feed_url(obj)

    def author_name(self, obj: FeedSubject) -> str:
        return obj.briefing.author or obj.briefing.publication or "政策ブリーフィング"

    def items(self, obj: FeedSubject) -> list[tuple[Release, list[tuple[str, str]]]]:
        return [(release, obj.changed.get(release.pk, [])) for release in obj.releases]

    def item_title(self, item: tuple[Release, list[tuple[str, str]]]) -> str:
        release = item[0]
        return f"第{release.number}版（{release.get_kind_display()}・{release.information_as_of_label}）"

    def item_description(self, item: tuple[Release, list[tuple[str, str]]]) -> str:
        release, changed = item
        lines = [f"{format_date_ja(to_tokyo(release.published_at).date())}公開。{release.summary}".strip()]
        lines.extend(f"・{label}：{summary}" if summary else f"・{label}" for label, summary in changed)
        return "\n".join(lines)

    def item_link(self, item: tuple[Release, list[tuple[str, str]]]) -> str:
        release = item[0]
        return absolute_url(reverse("releases:release", kwargs={"slug": release.briefing.slug, "number": release.number}))

    def item_guid(self, item: tuple[Release, list[tuple[str, str]]]) -> str:
        release = item[0]
        return f"tag:briefings,{to_tokyo(release.published_at):%Y-%m-%d}:{release.briefing.slug}/releases/{release.number}"

    def item_pubdate(self, item: tuple[Release, list[tuple[str, str]]]) -> dt.datetime:
        return item[0].published_at

    def item_updateddate(self, item: tuple[Release, list[tuple[str, str]]]) -> dt.datetime:
        return item[0].published_at
