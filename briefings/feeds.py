"""Atom feed of a briefing's releases: what changed, with links."""
from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from briefings.models import Briefing, Release
from briefings.selectors import catalog, history
from briefings.selectors.changes import changed_sections_by_release
from core.dates import format_date_ja, to_tokyo
from core.errors import NotFound

FEED_SIZE = 50


class ReleaseFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Briefing:  # type: ignore[override]
        try:
            briefing = catalog.briefing_get(slug=slug)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        self._releases = history.release_list(briefing=briefing)[:FEED_SIZE]
        if not self._releases:
            raise Http404(f"「{briefing.title}」はまだ公開されていません。")
        self._changed = changed_sections_by_release(releases=self._releases)
        return briefing

    def title(self, obj: Briefing) -> str:
        return f"{obj.title}：更新履歴"

    def subtitle(self, obj: Briefing) -> str:
        return obj.description or f"{obj.title}の公開版（更新・訂正）の一覧"

    def link(self, obj: Briefing) -> str:
        return reverse("briefings:latest", kwargs={"slug": obj.slug})

    def feed_url(self, obj: Briefing) -> str:
        return reverse("briefings:feed", kwargs={"slug": obj.slug})

    def author_name(self, obj: Briefing) -> str:
        return obj.author or obj.publication or "政策ブリーフィング"

    def items(self, obj: Briefing) -> list[Release]:
        return self._releases

    def item_title(self, item: Release) -> str:
        return f"第{item.number}版（{item.get_kind_display()}・{item.information_as_of_label}）"

    def item_description(self, item: Release) -> str:
        lines = [f"{format_date_ja(to_tokyo(item.published_at).date())}公開。{item.summary}".strip()]
        for label, summary in self._changed.get(item.pk, []):
            lines.append(f"・{label}：{summary}" if summary else f"・{label}")
        return "\n".join(lines)

    def item_link(self, item: Release) -> str:
        return reverse("briefings:release", kwargs={"slug": item.briefing.slug, "number": item.number})

    def item_guid(self, item: Release) -> str:
        return f"tag:briefings,{to_tokyo(item.published_at):%Y-%m-%d}:{item.briefing.slug}/releases/{item.number}"

    def item_pubdate(self, item: Release) -> dt.datetime:
        return item.published_at

    def item_updateddate(self, item: Release) -> dt.datetime:
        return item.published_at
