"""django-filter filter set of the sources API."""
from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from sources.models import LinkStatus, Source, SourceKind


class SourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    domain = django_filters.CharFilter(field_name="url_domain", label="URLのドメイン（例：mofa.go.jp）")
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte")
    link_status = django_filters.ChoiceFilter(
        field_name="link_health__status", choices=LinkStatus.choices, label="リンクの状態（unchecked は未確認のもの）",
        method="filter_link_status",
    )
    q = django_filters.CharFilter(method="filter_text", label="引用表記・標題・URLの文字列")

    class Meta:
        model = Source
        fields = ("kind", "domain")

    def filter_link_status(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        if value == LinkStatus.UNCHECKED:
            return queryset.exclude(url="").filter(Q(link_health__isnull=True) | Q(link_health__status=value))
        return queryset.filter(link_health__status=value)

    def filter_text(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        return queryset.filter(Q(citation__icontains=value) | Q(title__icontains=value) | Q(url__icontains=value))
