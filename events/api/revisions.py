"""The revision endpoint with the events a draft covers: composed here, where both apps are known.

``briefings`` serves ``/api/revisions/<id>/`` without knowing events; the
project's URL layer (``config/urls.py``) mounts this subclass at that URL
instead, adding the ``events`` field to input and output.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from briefings.api.workflow import DraftInputSerializer, RevisionDetailApi, StaffRevisionOutputSerializer
from core.openapi import ERROR
from events.models import RevisionEvent
from events.services import revision_edit


class DraftWithEventsInputSerializer(DraftInputSerializer):
    events = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500,
        help_text="ids of the events this draft covers (replaces the set)",
    )


class RevisionWithEventsOutputSerializer(StaffRevisionOutputSerializer):
    events = serializers.ListField(child=serializers.IntegerField(), help_text="ids of the events the revision covers")

    class Meta(StaffRevisionOutputSerializer.Meta):
        fields = (*StaffRevisionOutputSerializer.Meta.fields, "events")


class RevisionWithEventsApi(RevisionDetailApi):
    input_serializer = DraftWithEventsInputSerializer

    @extend_schema(responses={200: RevisionWithEventsOutputSerializer, 404: ERROR})
    def get(self, request: Request, revision_id: int) -> Response:
        return super().get(request, revision_id)

    @extend_schema(request=DraftWithEventsInputSerializer,
                   responses={200: RevisionWithEventsOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def patch(self, request: Request, revision_id: int) -> Response:
        return super().patch(request, revision_id)

    def edit(self, revision_id: int, request: Request, fields: dict[str, Any], expected: str | None) -> None:
        event_ids = fields.pop("events", None)
        revision_edit(revision_id=revision_id, actor=request.user, data=fields, event_ids=event_ids,
                      expected_version=expected)

    def output(self, revision_id: int, request: Request) -> dict[str, Any]:
        data = super().output(revision_id, request)
        data["events"] = sorted(RevisionEvent.objects.filter(revision_id=revision_id).values_list("event_id", flat=True))
        return data


__all__ = ["RevisionWithEventsApi"]
