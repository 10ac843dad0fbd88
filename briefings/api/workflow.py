"""Write API of the editorial workflow: drafts, edits, submit, approve, reject.

A revision is shown to readers (anonymous, or outside the editorial groups)
with its public fields only; the review fields (who reviewed, the comments, the
contributors, the actions this user may take) are for editors and reviewers.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from briefings import workflow
from briefings.models import ReleaseKind, Section, SectionRevision
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.api import InputSerializer
from core.errors import ApplicationError, NotFound
from core.openapi import ERROR
from core.roles import is_editor, is_reviewer
from core.versioning import etag_of, expected_from_if_match

PUBLIC_REVISION_FIELDS = (
    "id", "briefing", "section", "base", "status", "number", "heading", "body", "information_as_of",
    "change_summary", "release_kind", "published_at", "created_at",
)


class RevisionOutputSerializer(serializers.ModelSerializer[SectionRevision]):
    """A revision as readers may see it: what it says and when it was published, nothing of its review."""

    section = serializers.CharField(source="section.key")
    briefing = serializers.CharField(source="section.briefing.slug")

    class Meta:
        model = SectionRevision
        fields = PUBLIC_REVISION_FIELDS


class ActionSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    label = serializers.CharField()


class StaffRevisionOutputSerializer(RevisionOutputSerializer):
    """A revision for editors and reviewers: its review, its contributors, what this user may do now."""

    contributors = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="workflow actions the requesting user may take now")

    class Meta(RevisionOutputSerializer.Meta):
        fields = (
            *PUBLIC_REVISION_FIELDS, "author", "contributors", "submitted_at", "reviewed_by", "reviewed_at",
            "review_comment", "release_note", "publish_at", "actions",
        )

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_contributors(self, revision: SectionRevision) -> list[int]:
        return sorted(workflow.contributor_ids_of(revision) | ({revision.author_id} if revision.author_id else set()))

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, revision: SectionRevision) -> list[dict[str, Any]]:
        return workflow.describe(workflow.available_actions(revision, self.context.get("user")))


class DraftInputSerializer(InputSerializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    heading = serializers.CharField(required=False, allow_blank=True, max_length=255)
    body = serializers.CharField(required=False, allow_blank=True)
    information_as_of = serializers.DateField(required=False)
    change_summary = serializers.CharField(required=False, allow_blank=True)
    release_kind = serializers.ChoiceField(choices=ReleaseKind.choices, required=False)


class ApproveInputSerializer(InputSerializer):
    publish_at = serializers.DateTimeField(required=False, help_text="ISO datetime; future = scheduled")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    release_note = serializers.CharField(
        required=False, allow_blank=True, max_length=4000,
        help_text="the public note of the release (what changed and why); omitted or blank: drafted from the "
                  "change summary",
    )


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


def with_etag(response: Response, revision_id: int) -> Response:
    """Give a revision's response its version (``ETag``), for ``If-Match`` on the next PATCH."""
    response["ETag"] = etag_of(SectionRevision.objects.only("pk", "updated_at").get(pk=revision_id))
    return response


def revision_out(revision_id: int, user: Any) -> dict[str, Any]:
    """The revision as ``user`` may see it (staff fields for editors and reviewers only)."""
    revision = SectionRevision.objects.select_related("section__briefing").get(pk=revision_id)
    if is_editor(user) or is_reviewer(user):
        return StaffRevisionOutputSerializer(revision, context={"user": user}).data  # type: ignore[return-value]
    return RevisionOutputSerializer(revision).data  # type: ignore[return-value]


class SectionDraftCreateApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(request=DraftInputSerializer, responses={201: StaffRevisionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR})
    def post(self, request: Request, key_or_id: str) -> Response:
        data = DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        section = _section(key_or_id, request.query_params.get("briefing"))
        fields = dict(data.validated_data)
        draft = revision_create_draft(section=section, actor=request.user, **fields)
        return Response(revision_out(draft.pk, request.user), status=status.HTTP_201_CREATED)


class RevisionDetailApi(APIView):
    """A revision: anyone may read a published one; drafts only editors and reviewers.

    The events app mounts a subclass at this URL that adds the ``events`` a draft
    covers (``events.api.revisions``): this app does not know events.
    """

    permission_classes = (IsAuthenticatedOrReadOnly,)

    @extend_schema(responses={200: StaffRevisionOutputSerializer, 404: ERROR})
    def get(self, request: Request, revision_id: int) -> Response:
        revision = SectionRevision.objects.visible_to(request.user).filter(pk=revision_id).first()
        if revision is None:
            raise NotFound(f"版{revision_id}は存在しません。")
        return with_etag(Response(self.output(revision_id, request)), revision_id)

    input_serializer: type[serializers.Serializer[Any]] = DraftInputSerializer

    @extend_schema(request=DraftInputSerializer, responses={200: StaffRevisionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def patch(self, request: Request, revision_id: int) -> Response:
        data = self.input_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if not SectionRevision.objects.filter(pk=revision_id).exists():
            raise NotFound(f"版{revision_id}は存在しません。")
        expected = expected_from_if_match(request.headers.get("If-Match"))
        self.edit(revision_id, request, dict(data.validated_data), expected)
        return with_etag(Response(self.output(revision_id, request)), revision_id)

    def edit(self, revision_id: int, request: Request, fields: dict[str, Any], expected: str | None) -> None:
        revision_update(revision_id=revision_id, actor=request.user, data=fields, expected_version=expected)

    def output(self, revision_id: int, request: Request) -> dict[str, Any]:
        return revision_out(revision_id, request.user)


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
            release_note=data.validated_data.get("release_note") or None,
        )
        return Response(revision_out(revision_id, request.user))


TRANSITION_RESPONSES = {200: StaffRevisionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}
DESCRIPTIONS = {
    Action.SUBMIT: "Submit a draft for review.",
    Action.REBASE: "Base a stale draft on the section's current published revision, keeping its text.",
    Action.APPROVE: "Approve: publish now, or schedule with a future `publish_at`. Four eyes: not by a contributor.",
    Action.SCHEDULE: "Approve for publication at `publish_at` (a future time). Four eyes: not by a contributor.",
    Action.REJECT: "Send a submitted revision back with a required `comment`. Four eyes: not by a contributor.",
    Action.REOPEN: "Reopen a rejected revision as a draft.",
    Action.UNSCHEDULE: "Cancel a scheduled publication; the revision goes back to the review queue.",
}


def _input_for(move: workflow.Move) -> type[serializers.Serializer[Any]]:
    if move.action == Action.APPROVE or move.needs_publish_at:
        return ApproveInputSerializer
    if move.needs_comment:
        return RejectInputSerializer
    return SubmitInputSerializer


def transition_views() -> dict[str, type[_TransitionApi]]:
    """One endpoint per action a person may take, made from the workflow table (``briefings.workflow``):
    adding a move there adds its endpoint here, documented."""
    views: dict[str, type[_TransitionApi]] = {}
    for move in workflow.MOVES:
        if move.role == workflow.Role.SYSTEM or move.action in views:
            continue
        serializer = _input_for(move)
        description = DESCRIPTIONS.get(move.action, f"{Action(move.action).label}（{move.action}）")
        view = type(f"Revision{move.action.title()}Api", (_TransitionApi,), {
            "action_name": move.action, "input_serializer": serializer, "__doc__": description,
        })
        views[move.action] = extend_schema_view(post=extend_schema(
            request=serializer, responses=TRANSITION_RESPONSES, summary=str(Action(move.action).label),
            description=description, operation_id=f"revisions_{move.action}",
        ))(view)
    return views
