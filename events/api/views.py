"""Events API: list and detail for everyone, create and edit for editors."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import InputSerializer
from core.dates import DateParseError, parse_japanese_date
from core.errors import Conflict, NotFound
from core.openapi import ERROR
from core.versioning import etag_of, expected_from_if_match
from events.filters import EventFilter
from events.importing import EventFileError, row_from_record
from events.models import Event
from events.selectors import event_list
from sources.models import SourceKind
from events.services import EventInputError, event_key_new, event_save


class EventDateSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(source="occurred_on")
    until = serializers.DateField(source="occurred_until", allow_null=True)
    latest = serializers.DateField(source="latest_on")
    precision = serializers.CharField()
    text = serializers.CharField(source="date_text")
    display = serializers.CharField(source="date_display")


class EventSourceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="source.id")
    citation = serializers.CharField(source="source.citation")
    url = serializers.CharField(source="source.url", allow_null=True)
    locator = serializers.CharField()


class EventSectionSerializer(serializers.Serializer[Any]):
    briefing = serializers.CharField(source="section.briefing.slug")
    key = serializers.CharField(source="section.key")
    claim = serializers.IntegerField(source="claim_id", allow_null=True)


class EventOutputSerializer(serializers.ModelSerializer[Event]):
    date = EventDateSerializer(source="*")
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    sources = EventSourceSerializer(many=True, source="event_sources")
    sections = EventSectionSerializer(many=True, source="links")

    class Meta:
        model = Event
        fields = ("id", "key", "title", "description", "date", "tags", "sources", "sections", "created_at", "updated_at")


class EventSourceInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False)
    citation = serializers.CharField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=255)
    issued = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Japanese date text")
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    locator = serializers.CharField(required=False, allow_blank=True, max_length=200)


class EventInputSerializer(InputSerializer):
    briefing = serializers.SlugField(help_text="slug of the briefing whose sections are named in `sections`")
    key = serializers.SlugField(max_length=100, required=False,
                                help_text="stable identifier; made from the date when omitted (2025-03-05-1)")
    date = serializers.CharField(max_length=100, help_text="Japanese date text: 25年3月5日, 2024年10月～12月, 令7.1.8")
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    sections = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    sources = EventSourceInputSerializer(many=True, required=False)


def _save(request: Request, data: dict[str, Any], expected: str | None = None) -> Event:
    briefing = data.pop("briefing")
    try:
        row = row_from_record(data)
    except EventFileError as exc:
        raise EventInputError(exc.errors) from exc
    return event_save(briefing_slug=briefing, row=row, actor=request.user, expected_version=expected)


def _out(event_id: int) -> dict[str, Any]:
    return EventOutputSerializer(event_list().get(pk=event_id)).data  # type: ignore[return-value]


@extend_schema_view(
    get=extend_schema(responses={200: EventOutputSerializer(many=True), 400: ERROR}),
    post=extend_schema(request=EventInputSerializer,
                       responses={201: EventOutputSerializer, 400: ERROR, 403: ERROR, 409: ERROR}),
)
class EventListApi(generics.ListCreateAPIView[Event]):
    """Events, oldest first; `since`/`until` respect each event's date precision."""

    serializer_class = EventOutputSerializer
    filterset_class = EventFilter
    permission_classes = (IsAuthenticatedOrReadOnly,)

    def get_queryset(self) -> QuerySet[Event]:
        return event_list()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = fields.get("key")
        if key and Event.objects.filter(key=key).exists():
            raise Conflict(f"キー「{key}」の出来事は既にあります。変更は PATCH /api/events/<id>/ で行ってください。")
        if not key:
            try:
                fields["key"] = event_key_new(on=parse_japanese_date(fields["date"]).start)
            except DateParseError as exc:
                raise EventInputError([f"日付「{fields['date']}」: {exc}"]) from exc
        event = _save(request, fields)
        return Response(_out(event.pk), status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(responses={200: EventOutputSerializer, 404: ERROR}),
    patch=extend_schema(request=EventInputSerializer(partial=True),
                        responses={200: EventOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR}),
)
class EventDetailApi(generics.GenericAPIView[Event]):
    serializer_class = EventOutputSerializer
    permission_classes = (IsAuthenticatedOrReadOnly,)

    def get(self, request: Request, event_id: int) -> Response:
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise NotFound(f"出来事{event_id}は存在しません。")
        return Response(_out(event_id), headers={"ETag": etag_of(event)})

    def patch(self, request: Request, event_id: int) -> Response:
        event = event_list().filter(pk=event_id).first()
        if event is None:
            raise NotFound(f"出来事{event_id}は存在しません。")
        data = EventInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "key" in data.validated_data and data.validated_data["key"] != event.key:
            raise EventInputError(["キーは変更できません"])
        links = list(event.links.all())
        current: dict[str, Any] = {
            "briefing": links[0].section.briefing.slug if links else data.validated_data.get("briefing", ""),
            "key": event.key, "date": event.date_text, "title": event.title, "description": event.description,
            "tags": [tag.name for tag in event.tags.all()],
            "sections": [link.section.key for link in links],
            "sources": [
                {"kind": s.source.kind, "citation": s.source.citation, "title": s.source.title,
                 "publisher": s.source.publisher, "issued": s.source.issued_text, "url": s.source.url,
                 "locator": s.locator}
                for s in event.event_sources.all()
            ],
        }
        current.update(data.validated_data)
        if not current["briefing"]:
            raise EventInputError(["briefing（節が属するブリーフィング）を指定してください"])
        _save(request, current, expected_from_if_match(request.headers.get("If-Match")))
        return Response(_out(event_id), headers={"ETag": etag_of(Event.objects.get(pk=event_id))})
