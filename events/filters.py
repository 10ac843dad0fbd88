"""django-filter filter sets of events, shared by the API and the timeline page."""
from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from core.dates import DatePrecision
from events.models import Event


class EventFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        field_name="latest_on", lookup_expr="gte", label="この日以後（精度を考慮し、重なる出来事を含む）"
    )
    until = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label="この日以前")
    tag = django_filters.CharFilter(method="filter_tag", label="タグ（複数可：?tag=ロシア&tag=北朝鮮 はすべてを持つもの）")
    briefing = django_filters.CharFilter(field_name="links__section__briefing__slug", label="ブリーフィングのslug")
    section = django_filters.CharFilter(field_name="links__section__key", label="節のキー")
    precision = django_filters.ChoiceFilter(choices=DatePrecision.choices, label="日付の精度")
    q = django_filters.CharFilter(method="filter_text", label="見出し・説明の文字列")

    class Meta:
        model = Event
        fields = ("since", "until", "tag", "briefing", "section", "precision", "q")

    def filter_tag(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        for tag in self.request.GET.getlist("tag") if self.request is not None else [value]:
            if tag:
                queryset = queryset.filter(tags__name=tag)
        return queryset

    def filter_text(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    @property
    def qs(self) -> QuerySet[Event]:
        return super().qs.distinct()
