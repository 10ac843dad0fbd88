"""Read API of briefings: list, detail and the as-of snapshot."""
from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from briefings.api.serializers import (
    BriefingDetailSerializer,
    BriefingOutputSerializer,
    SnapshotInputSerializer,
    SnapshotOutputSerializer,
)
from briefings.models import Briefing
from briefings.selectors import catalog, history
from core.dates import end_of_day_tokyo, today_tokyo
from core.errors import NotFound
from core.openapi import ERROR


class BriefingListApi(generics.ListAPIView[Briefing]):
    serializer_class = BriefingOutputSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Briefing]:
        return catalog.briefing_list_published()


class BriefingDetailApi(APIView):
    @extend_schema(responses={200: BriefingDetailSerializer, 404: ERROR})
    def get(self, request: Request, slug: str) -> Response:
        briefing = catalog.briefing_get(slug=slug)
        releases = history.release_list(briefing=briefing)
        if not releases:
            raise NotFound(f"ブリーフィング「{slug}」は公開されていません。")
        return Response(BriefingDetailSerializer(briefing, context={"releases": releases}).data)


class SnapshotApi(APIView):
    @extend_schema(
        parameters=[SnapshotInputSerializer],
        responses={200: SnapshotOutputSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, slug: str) -> Response:
        params = SnapshotInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        briefing = catalog.briefing_get(slug=slug)
        if "release" in params.validated_data:
            number = params.validated_data["release"]
            release = history.release_by_number(briefing=briefing, number=number)
            missing = f"第{number}版はありません。"
            day = params.validated_data.get("as_of")
            if release is not None and day is not None and release.published_at > end_of_day_tokyo(day):
                release, missing = None, f"第{number}版は{day.isoformat()}の時点ではまだ公開されていません。"
        elif "as_of" in params.validated_data:
            day = params.validated_data["as_of"]
            release = None if day > today_tokyo() else history.release_as_of_date(briefing=briefing, day=day)
            missing = f"{day.isoformat()}の時点で公開されていた版はありません。"
        else:
            release = history.release_latest(briefing=briefing)
            missing = "公開された版がありません。"
        if release is None:
            raise NotFound(missing)
        snapshot = history.snapshot_for_release(release=release)
        return Response(SnapshotOutputSerializer(snapshot).data)
