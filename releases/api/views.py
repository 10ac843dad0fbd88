"""Read API of the reader side: briefings, releases, snapshots and artefacts.

Snapshots and artefacts are served byte for byte from what was stored at
publication; nothing here reads live revision, footnote or source rows.
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from briefings.models import Briefing
from briefings.selectors.catalog import briefing_get
from core.dates import end_of_day_tokyo, is_future_day
from core.errors import NotFound
from core.openapi import ERROR
from core.pagination import KeysetPagination
from releases.api.filters import ReleaseFilter
from releases.api.serializers import (
    BRIEFING_RECENT_RELEASES,
    RELEASE_SUMMARY_FIELDS,
    BriefingDetailSerializer,
    BriefingOutputSerializer,
    ReleaseSerializer,
    SnapshotInputSerializer,
    SnapshotOutputSerializer,
)
from releases.models import Release
from releases.selectors import catalog, history
from releases.services.rendering import rendering_for, stored_snapshot_json

JSON = "application/json"


class BriefingListApi(generics.ListAPIView[Briefing]):
    serializer_class = BriefingOutputSerializer
    filter_backends: list[type] = []
    permission_classes = (AllowAny,)

    def get_queryset(self) -> QuerySet[Briefing]:
        return catalog.briefing_list_published()


class BriefingDetailApi(APIView):
    permission_classes = (AllowAny,)

    @extend_schema(responses={200: BriefingDetailSerializer, 404: ERROR})
    def get(self, request: Request, slug: str) -> Response:
        briefing = briefing_get(slug=slug)
        releases = list(  # the newest only: the whole list is /api/releases/?briefing=<slug>, by cursor
            Release.objects.of(briefing).published().order_by("-number").select_related("artefact")
            .only(*RELEASE_SUMMARY_FIELDS, "artefact__digest")[:BRIEFING_RECENT_RELEASES]
        )
        if not releases:
            raise NotFound(f"ブリーフィング「{slug}」は公開されていません。")
        return Response(BriefingDetailSerializer(briefing, context={"releases": releases}).data)


class SnapshotApi(APIView):
    """A release as JSON, exactly as stored when it was published (with its digest)."""

    permission_classes = (AllowAny,)

    @extend_schema(
        parameters=[SnapshotInputSerializer],
        responses={200: SnapshotOutputSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        params = SnapshotInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        body = stored_snapshot_json(slug=slug, number=data.get("release"), as_of=data.get("as_of"))
        if body is None:  # an error to explain, or a rendering to make: the long way
            release = _requested_release(briefing_get(slug=slug), data)
            body = rendering_for(release=release, fields=("snapshot_json",))["snapshot_json"]
        return HttpResponse(body.encode("utf-8"), content_type=JSON)


def _requested_release(briefing: Briefing, data: dict[str, object]) -> Release:
    day = data.get("as_of")
    if "release" in data:
        number = data["release"]
        release = history.release_by_number(briefing=briefing, number=number)  # type: ignore[arg-type]
        missing = f"第{number}版はありません。"
        if release is not None and day is not None and release.published_at > end_of_day_tokyo(day):  # type: ignore[arg-type]
            release, missing = None, f"第{number}版は{day.isoformat()}の時点ではまだ公開されていません。"  # type: ignore[attr-defined]
    elif day is not None:
        release = None if is_future_day(day) else history.release_as_of_date(briefing=briefing, day=day)  # type: ignore[arg-type]
        missing = f"{day.isoformat()}の時点で公開されていた版はありません。"  # type: ignore[attr-defined]
    else:
        release = history.release_latest(briefing=briefing)
        missing = "公開された版がありません。"
    if release is None:
        raise NotFound(missing)
    return release


def _public_releases() -> QuerySet[Release]:
    """Public releases with their briefing and digest (never the artefact's document: 100 KB a release)."""
    return Release.objects.published().select_related("briefing", "artefact").defer("artefact__document").newest_first()


class ReleasePagination(KeysetPagination):
    page_size = 20
    ordering = ("-published_at", "-number")  # newest first: the release_as_of index (per briefing), release_newest
    example_path = "/api/releases/"


@extend_schema_view(get=extend_schema(responses={200: ReleaseSerializer(many=True), 400: ERROR}))
class ReleaseListApi(generics.ListAPIView[Release]):
    """Public releases (never one dated in the future), newest first, with their manifests and digests.

    Cursor-paginated (`next`/`previous`, no `count`): a briefing gains a release at every update.
    """

    serializer_class = ReleaseSerializer
    filterset_class = ReleaseFilter
    permission_classes = (AllowAny,)
    pagination_class = ReleasePagination

    def get_queryset(self) -> QuerySet[Release]:
        return _public_releases()

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """A page of releases and, in one query for the page, the manifest of each."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        manifests = history.manifests_of(releases=page)
        context = {**self.get_serializer_context(), "manifests": manifests}
        serializer = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)


@extend_schema_view(get=extend_schema(responses={200: ReleaseSerializer, 404: ERROR}))
class ReleaseDetailApi(generics.RetrieveAPIView[Release]):
    serializer_class = ReleaseSerializer
    permission_classes = (AllowAny,)
    lookup_url_kwarg = "release_id"

    def get_queryset(self) -> QuerySet[Release]:
        return _public_releases()


class ReleaseArtefactApi(APIView):
    """The release's artefact: the canonical JSON document whose SHA-256 is the published digest.

    Anyone can check a release: ``sha256(body) == digest`` (as ``verify_releases`` does).
    """

    permission_classes = (AllowAny,)

    @extend_schema(responses={(200, JSON): OpenApiTypes.OBJECT, 404: ERROR})
    def get(self, request: Request, release_id: int) -> HttpResponse:
        release = Release.objects.published().filter(pk=release_id).first()
        if release is None:
            raise NotFound(f"公開版{release_id}はありません。")
        frozen = history.artefact_of(release=release)
        response = HttpResponse(frozen.document_text.encode("utf-8"), content_type=JSON)
        response["Digest"] = frozen.digest
        response["ETag"] = f'"{frozen.digest}"'
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
