"""Write API of the editorial workflow: drafts, edits, submit, approve, reject."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from briefings.api.catalog import visible_revisions
from briefings.models import ReleaseKind, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.api import InputSerializer
from core.errors import ApplicationError, NotFound
from core.openapi import ERROR


class RevisionOutputSerializer(serializers.ModelSerializer[SectionRevision]):
    section = serializers.CharField(source="section.key")
    briefing = serializers.CharField(source="section.briefing.slug")

    class Meta:
        model = SectionRevision
        fields = (
            "id", "briefing", "section", "base", "status", "number", "heading", "body", "information_as_of",
            "change_summary", "release_kind", "author", "submitted_at", "reviewed_by", "reviewed_at", "review_comment",
            "publish_at", "published_at", "created_at", "events",
        )

    events = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_events(self, revision: SectionRevision) -> list[int]:
        return sorted(revision.covered_events.values_list("event_id", flat=True))


class DraftInputSerializer(InputSerializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    heading = serializers.CharField(required=False, allow_blank=True, max_length=255)
    body = serializers.CharField(required=False, allow_blank=True)
    information_as_of = serializers.DateField(required=False)
    change_summary = serializers.CharField(required=False, allow_blank=True)
    release_kind = serializers.ChoiceField(choices=ReleaseKind.choices, required=False)
    events = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500,
        help_text="ids of the events this draft covers (replaces the set; PATCH only)",
    )


class ApproveInputSerializer(InputSerializer):
    publish_at = serializers.DateTimeField(required=False, help_text="ISO datetime; future = scheduled")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RejectInputSerializer(InputSerializer):
    comment = serializers.CharField(allow_blank=False, help_text="required: why the revision goes back")


class SubmitInputSerializer(InputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _section(key_or_id: str, briefing: str | None) -> Section:
    sections = Section.objects.select_related("briefing")
    if key_or_id.isdigit():
        sections = sections.filter(pk=int(key_or_id))
    else:
        sections = sections.filter(key=key_or_id)
    if briefing:
        sections = sections.filter(briefing__slug=briefing)
    found = list(sections[:2])
    if not found:
        raise NotFound(f"節「{key_or_id}」は存在しません。")
    if len(found) > 1:
        raise ApplicationError(f"節キー「{key_or_id}」は複数のブリーフィングにあります。?briefing=<slug> で指定してください。")
    return found[0]


def _revision_out(revision_id: int) -> dict[str, Any]:
    revision = SectionRevision.objects.select_related("section__briefing").get(pk=revision_id)
    return RevisionOutputSerializer(revision).data  # type: ignore[return-value]


class SectionDraftCreateApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(request=DraftInputSerializer, responses={201: RevisionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR})
    def post(self, request: Request, key_or_id: str) -> Response:
        data = DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        section = _section(key_or_id, request.query_params.get("briefing"))
        fields = dict(data.validated_data)
        if "events" in fields:
            raise ApplicationError("events は作成後に PATCH /api/revisions/<id>/ で指定してください。")
        draft = revision_create_draft(section=section, actor=request.user, **fields)
        return Response(_revision_out(draft.pk), status=status.HTTP_201_CREATED)


class RevisionDetailApi(APIView):
    """A revision: anyone may read a published one; drafts only editors and reviewers."""

    permission_classes = (IsAuthenticatedOrReadOnly,)

    @extend_schema(responses={200: RevisionOutputSerializer, 404: ERROR})
    def get(self, request: Request, revision_id: int) -> Response:
        if not visible_revisions(request.user).filter(pk=revision_id).exists():
            raise NotFound(f"版{revision_id}は存在しません。")
        return Response(_revision_out(revision_id))

    @extend_schema(request=DraftInputSerializer, responses={200: RevisionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def patch(self, request: Request, revision_id: int) -> Response:
        data = DraftInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if not SectionRevision.objects.filter(pk=revision_id).exists():
            raise NotFound(f"版{revision_id}は存在しません。")
        fields = dict(data.validated_data)
        event_ids = fields.pop("events", None)
        # The events app owns the revision↔event links; it composes the edit in one transaction.
        from events.services import revision_edit

        revision_edit(revision_id=revision_id, actor=request.user, data=fields, event_ids=event_ids)
        return Response(_revision_out(revision_id))


class _TransitionApi(APIView):
    permission_classes = (IsAuthenticated,)
    action_name: str = ""
    input_serializer: type[serializers.Serializer[Any]] = SubmitInputSerializer

    def post(self, request: Request, revision_id: int) -> Response:
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = self.action_name
        publish_at = data.validated_data.get("publish_at")
        if action == Action.APPROVE and publish_at is not None:
            action = Action.SCHEDULE
        revision_transition(
            revision_id=revision_id,
            action=action,
            actor=request.user,
            comment=data.validated_data.get("comment", ""),
            publish_at=publish_at,
        )
        return Response(_revision_out(revision_id))


TRANSITION_RESPONSES = {200: RevisionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


@extend_schema_view(post=extend_schema(request=SubmitInputSerializer, responses=TRANSITION_RESPONSES))
class RevisionSubmitApi(_TransitionApi):
    action_name = Action.SUBMIT


@extend_schema_view(post=extend_schema(request=ApproveInputSerializer, responses=TRANSITION_RESPONSES))
class RevisionApproveApi(_TransitionApi):
    """Approve: publish now, or schedule with a future ``publish_at``."""

    action_name = Action.APPROVE
    input_serializer = ApproveInputSerializer


@extend_schema_view(post=extend_schema(request=RejectInputSerializer, responses=TRANSITION_RESPONSES))
class RevisionRejectApi(_TransitionApi):
    action_name = Action.REJECT
    input_serializer = RejectInputSerializer


@extend_schema_view(post=extend_schema(request=SubmitInputSerializer, responses=TRANSITION_RESPONSES))
class RevisionReopenApi(_TransitionApi):
    """Reopen a rejected revision as a draft."""

    action_name = Action.REOPEN


@extend_schema_view(post=extend_schema(request=SubmitInputSerializer, responses=TRANSITION_RESPONSES))
class RevisionRebaseApi(_TransitionApi):
    """Base a stale draft on the section's current published revision, keeping its text."""

    action_name = Action.REBASE


@extend_schema_view(post=extend_schema(request=SubmitInputSerializer, responses=TRANSITION_RESPONSES))
class RevisionUnscheduleApi(_TransitionApi):
    """Cancel a scheduled publication; the revision goes back to the review queue."""

    action_name = Action.UNSCHEDULE
