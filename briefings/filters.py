"""django-filter filter sets of the briefings API."""
from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from briefings.models import Claim, RevisionStatus, Section, SectionRevision


INT64 = (-(2**63), 2**63 - 1)  # what both databases store; larger numbers crashed the query


class Int64Field(forms.IntegerField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", INT64[0])
        kwargs.setdefault("max_value", INT64[1])
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


@extend_schema_field({"type": "integer", "format": "int64", "minimum": INT64[0], "maximum": INT64[1]})
class IntegerFilter(django_filters.NumberFilter):
    field_class = Int64Field


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Several choices; an empty value (``?status=``) means "not given", as for other filters."""

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:  # type: ignore[type-arg,override]
        return super().filter(qs, [v for v in value if v])


class UTCDateTimeField(forms.DateTimeField):
    """An ISO 8601 datetime, converted to UTC so any offset the client sends reaches the database."""

    def to_python(self, value: object) -> dt.datetime | None:
        parsed = django_filters.fields.IsoDateTimeField().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(dt.timezone.utc) if parsed.tzinfo else parsed
        except OverflowError as exc:
            raise forms.ValidationError("日時が範囲外です。") from exc


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class SectionFilter(django_filters.FilterSet):
    briefing = django_filters.CharFilter(field_name="briefing__slug")
    key = django_filters.CharFilter()

    class Meta:
        model = Section
        fields = ("briefing", "key")


class RevisionFilter(django_filters.FilterSet):
    briefing = django_filters.CharFilter(field_name="section__briefing__slug")
    section = django_filters.CharFilter(field_name="section__key")
    status = ChoicesFilter(choices=[("", "—"), *RevisionStatus.choices])
    published_after = UTCDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UTCDateTimeFilter(field_name="published_at", lookup_expr="lte")
    information_as_of_after = django_filters.DateFilter(field_name="information_as_of", lookup_expr="gte")
    information_as_of_before = django_filters.DateFilter(field_name="information_as_of", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="body", lookup_expr="icontains", label="本文の文字列")

    class Meta:
        model = SectionRevision
        fields = ("briefing", "section", "status")


class ClaimFilter(django_filters.FilterSet):
    briefing = django_filters.CharFilter(field_name="revision__section__briefing__slug")
    section = django_filters.CharFilter(field_name="revision__section__key")
    revision = IntegerFilter(field_name="revision_id")
    release = IntegerFilter(method="filter_release", label="この版番号の公開版に含まれる文（briefing と併用）")
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label="文の文字列")

    class Meta:
        model = Claim
        fields = ("briefing", "section", "revision")

    def filter_release(self, queryset: QuerySet[Claim], name: str, value: int) -> QuerySet[Claim]:
        # The manifest rows are the reader side's (``releases.ReleaseSection``, related name below);
        # they are reached by name only, so this app does not import it.
        return queryset.filter(
            revision__release_entries__release__number=value,
            revision__release_entries__release__published_at__lte=timezone.now(),
        ).distinct()
