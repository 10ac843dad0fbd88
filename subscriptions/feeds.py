"""Atom feed of one section: the updates and corrections that changed it (``releases.feeds`` for a whole briefing).

The same entries as the briefing's feed, limited to releases whose manifest
marks the section changed, at most ``FEED_SIZE`` of them (bounded in SQL),
each listing only this section's change. Conditional requests get a 304.
"""
from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import condition

from briefings.models import NOTIFYING_KINDS
from briefings.selectors.catalog import briefing_get
from core.errors import NotFound
from core.site import absolute_url
from releases.feeds import FEED_SIZE, FEED_VERSION, FeedSubject, ReleaseFeed
from releases.models import Release, ReleaseSection
from subscriptions import selectors


class SectionFeedSubject(FeedSubject):
    key: str
    label: str


class SectionFeed(ReleaseFeed):
    def get_object(self, request: HttpRequest, slug: str, key: str) -> SectionFeedSubject:  # type: ignore[override]
        try:
            briefing = briefing_get(slug=slug)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        releases = list(_announced(slug, key).select_related("briefing")[:FEED_SIZE])
        label = selectors.section_label_in(briefing=briefing, key=key)
        if not label:
            raise Http404(f"「{briefing.title}」に公開された節「{key}」はありません。")
        rows = (ReleaseSection.objects.filter(release__in=releases, section__key=key)
                .values_list("release_id", "label", "change_summary"))
        changed = {release_id: [(row_label, summary)] for release_id, row_label, summary in rows}
        subject = SectionFeedSubject(briefing, releases, changed)
        subject.key, subject.label = key, label
        return subject

    def title(self, obj: SectionFeedSubject) -> str:  # type: ignore[override]
        return f"{obj.briefing.title}：{obj.label}の更新履歴"

    def subtitle(self, obj: SectionFeedSubject) -> str:  # type: ignore[override]
        return f"節「{obj.label}」を変更した公開版（更新・訂正。軽微な変更は版の一覧のみ）"

    def link(self, obj: SectionFeedSubject) -> str:  # type: ignore[override]
        return absolute_url(reverse("releases:section_history", kwargs={"slug": obj.briefing.slug, "key": obj.key}))

    def feed_url(self, obj: SectionFeedSubject) -> str:  # type: ignore[override]
        return absolute_url(reverse("subscriptions:section_feed", kwargs={"slug": obj.briefing.slug, "key": obj.key}))

    def item_guid(self, item: tuple[Release, list[tuple[str, str]]]) -> str:
        return super().item_guid(item)  # the release's own id: the same entry in both feeds


def _announced(slug: str, key: str):  # type: ignore[no-untyped-def]
    return (Release.objects.filter(briefing__slug=slug, kind__in=NOTIFYING_KINDS, number__gt=1,
                                   entries__section__key=key, entries__changed=True)
            .published().newest_first())


def _newest_announced(slug: str, key: str) -> tuple[int, dt.datetime] | None:
    """The newest release announcing a change of the section: its id and time, by one seek, never an aggregate.

    A count of every announcing release grew with the history (issue 18); the
    newest one changes whenever the feed's entries do.
    """
    return _announced(slug, key).values_list("pk", "published_at").first()  # type: ignore[no-any-return]


def _feed_etag(request: HttpRequest, slug: str, key: str) -> str | None:
    newest = _newest_announced(slug, key)
    return f'"section-feed-{FEED_VERSION}-{newest[0]}-{newest[1].timestamp():.6f}"' if newest else None


def _feed_modified(request: HttpRequest, slug: str, key: str) -> dt.datetime | None:
    newest = _newest_announced(slug, key)
    return newest[1] if newest else None


_feed = SectionFeed()


@condition(etag_func=_feed_etag, last_modified_func=_feed_modified)
def section_feed(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The section's Atom feed, answering conditional requests with 304 before anything is rendered."""
    return _feed(request, slug=slug, key=key)
