"""Read API over sections, revisions and claims (paginated, filterable).

Anonymous users and users outside the editorial groups see published data only
(``SectionRevision.objects.visible_to``): revisions published in a release that
is already public.
"""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from briefings.filters import ClaimFilter, RevisionFilter, SectionFilter
from briefings.models import Claim, Section, SectionRevision
from core.openapi import ERROR
from core.pagination import KeysetPagination

LIST_RESPONSES = {400: ERROR}


class SectionSerializer(serializers.ModelSerializer[Section]):
    briefing = serializers.CharField(source="briefing.slug")
    parent = serializers.CharField(source="parent.key", allow_null=True)
    published_revision = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = ("id", "briefing", "key", "parent", "position", "published_revision")

    def get_published_revision(self, section: Section) -> int | None:
        return self.context.get("published", {}).get(section.pk)


class RevisionListSerializer(serializers.ModelSerializer[SectionRevision]):
    briefing = serializers.CharField(source="section.briefing.slug")
    section = serializers.CharField(source="section.key")

    class Meta:
        model = SectionRevision
        fields = (
            "id", "briefing", "section", "base", "status", "release_kind", "number", "heading", "information_as_of",
            "change_summary", "published_at", "created_at",
        )


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    briefing = serializers.CharField(source="revision.section.briefing.slug")
    section = serializers.CharField(source="revision.section.key")
    footnote_refs = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ("id", "briefing", "section", "revision", "position", "paragraph", "role", "text", "footnote_refs")

    def get_footnote_refs(self, claim: Claim) -> list[dict[str, Any]]:
        return [{"key": ref.footnote.key, "offset": ref.offset} for ref in claim.references.all()]


@extend_schema_view(get=extend_schema(responses={200: SectionSerializer(many=True), **LIST_RESPONSES}))
class SectionListApi(generics.ListAPIView[Section]):
    serializer_class = SectionSerializer
    filterset_class = SectionFilter
    permission_classes = (AllowAny,)

    def get_queryset(self) -> QuerySet[Section]:
        return Section.objects.select_related("briefing", "parent").order_by("briefing_id", "position")

    def get_serializer_context(self) -> dict[str, Any]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular describing the view: no data needed
            return super().get_serializer_context()
        published = dict(SectionRevision.objects.public().current().values_list("section_id", "pk"))
        return {**super().get_serializer_context(), "published": published}


class RevisionPagination(KeysetPagination):
    ordering = ("-created_at", "-pk")  # the indexed created_at, ties broken by pk (STYLE 8)
    example_path = "/api/revisions/"


@extend_schema_view(get=extend_schema(responses={200: RevisionListSerializer(many=True), **LIST_RESPONSES}))
class RevisionListApi(generics.ListAPIView[SectionRevision]):
    """Revisions, newest first. Drafts and pending revisions only for editors and reviewers.

    Cursor-paginated (`next`/`previous`, no `count`): a revision is added at every change of a section.
    """

    serializer_class = RevisionListSerializer
    filterset_class = RevisionFilter
    permission_classes = (AllowAny,)
    pagination_class = RevisionPagination

    def get_queryset(self) -> QuerySet[SectionRevision]:
        return SectionRevision.objects.visible_to(self.request.user).select_related("section__briefing").order_by("-created_at", "-pk")


class ClaimPagination(KeysetPagination):
    ordering = ("revision_id", "position")  # the claims' unique (revision, position): an index seek per page


@extend_schema_view(get=extend_schema(responses={200: ClaimSerializer(many=True), **LIST_RESPONSES}))
class ClaimListApi(generics.ListAPIView[Claim]):
    """Claims (sentences) of visible revisions; `q` finds Japanese text by substring.

    Cursor-paginated (`next`/`previous`, no `count`): the table grows with every release.
    """

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    permission_classes = (AllowAny,)
    pagination_class = ClaimPagination

    def get_queryset(self) -> QuerySet[Claim]:
        revisions = SectionRevision.objects.visible_to(self.request.user)
        return (
            Claim.objects.filter(revision__in=revisions)
            .select_related("revision__section__briefing")
            .prefetch_related("references__footnote")
            .order_by("revision_id", "position")
        )
