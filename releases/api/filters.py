"""django-filter filter sets of the releases API."""
from __future__ import annotations

import django_filters

from briefings.filters import UTCDateTimeFilter
from briefings.models import ReleaseKind
from releases.models import Release


class ReleaseFilter(django_filters.FilterSet):
    briefing = django_filters.CharFilter(field_name="briefing__slug")
    kind = django_filters.ChoiceFilter(choices=ReleaseKind.choices)
    published_after = UTCDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UTCDateTimeFilter(field_name="published_at", lookup_expr="lte")
    information_as_of_after = django_filters.DateFilter(field_name="information_as_of", lookup_expr="gte")
    information_as_of_before = django_filters.DateFilter(field_name="information_as_of", lookup_expr="lte")

    class Meta:
        model = Release
        fields = ("briefing", "kind")
