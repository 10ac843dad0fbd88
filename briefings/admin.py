"""Admin for editors and reviewers. Configuration only: writes go through services."""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from briefings.models import (
    Briefing,
    Citation,
    Claim,
    Footnote,
    Release,
    ReleaseSection,
    ReviewQueueEntry,
    RevisionStatus,
    RevisionTransition,
    Section,
    SectionRevision,
)
from briefings.forms import ReviewActionForm, RevisionForm
from briefings.selectors import bibliography
from briefings.selectors.review import revision_review
from briefings.services import Action, revision_create_draft, revision_transition, revision_update, revisions_approve
from briefings.services.workflow import is_editor, is_reviewer
from core.admin import ReadOnlyAdminMixin
from core.errors import ApplicationError
from sources.models import LinkHealth


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "slug", "publication", "author", "created_at")
    search_fields = ("title", "slug")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "briefing", "parent", "position")
    list_filter = ("briefing",)
    search_fields = ("key",)
    ordering = ("briefing", "position")
    actions = ("new_draft_from_published",)

    @admin.action(description="公開版から新しい下書きを作成")
    def new_draft_from_published(self, request: HttpRequest, queryset: QuerySet[Section]) -> None:
        for section in queryset:
            try:
                draft = revision_create_draft(section=section, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{section.key}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{section.key}: 下書き（版{draft.pk}）を作成しました。", messages.SUCCESS)


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = ("position", "paragraph", "role", "text")
    readonly_fields = fields


class FootnoteInline(ReadOnlyInline):
    model = Footnote
    fields = ("position", "key", "text")
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = RevisionTransition
    fields = ("created_at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields


class MineFilter(admin.SimpleListFilter):
    title = "作成者"
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "自分の版")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SectionRevision]) -> QuerySet[SectionRevision]:
        return queryset.filter(author=request.user) if self.value() == "1" else queryset


def review_link(revision: SectionRevision) -> str:
    url = reverse("admin:briefings_sectionrevision_review", args=[revision.pk])
    return format_html('<a href="{}">差分・プレビュー・操作</a>', url)


@admin.register(SectionRevision)
class SectionRevisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RevisionForm
    list_display = (
        "id", "section", "number", "heading", "status", "release_kind", "information_as_of", "author",
        "review_comment", "published_at", "review",
    )
    list_filter = (MineFilter, "status", "section__briefing", "information_as_of")
    search_fields = ("heading", "body", "section__key")
    readonly_fields = (
        "review",
        "section",
        "base",
        "status",
        "author",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "publish_at",
        "published_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("review", "section", "base", "status")}),
        ("内容", {"fields": ("number", "heading", "body", "information_as_of", "change_summary", "release_kind")}),
        (
            "審査",
            {"fields": ("author", "submitted_at", "reviewed_by", "reviewed_at", "review_comment", "publish_at", "published_at")},
        ),
        ("記録", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (ClaimInline, FootnoteInline, TransitionInline)
    actions = ("submit", "approve")

    @admin.display(description="審査")
    def review(self, obj: SectionRevision) -> str:
        return review_link(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SectionRevision]:
        return super().get_queryset(request).select_related("section__briefing", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are created from a section ("公開版から新しい下書きを作成")

    def get_readonly_fields(self, request: HttpRequest, obj: SectionRevision | None = None) -> tuple[str, ...]:
        if obj is not None and not obj.is_editable:
            return (
                *self.readonly_fields, "number", "heading", "body", "information_as_of", "change_summary",
                "release_kind",
            )
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: SectionRevision, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            revision_update(revision_id=obj.pk, actor=request.user, data=data)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def get_urls(self) -> list[Any]:
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<int:object_id>/review/", review, name="briefings_sectionrevision_review"),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Diff against the published revision, reader preview, and the workflow actions."""
        revision = get_object_or_404(SectionRevision, pk=object_id)
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        form = ReviewActionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                revision_transition(
                    revision_id=revision.pk, action=data["action"], actor=request.user,
                    comment=data["comment"], publish_at=data.get("publish_at"),
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"版{revision.pk}: {Action(data['action']).label}しました。", messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            self.message_user(request, "入力に誤りがあります。", messages.ERROR)
        review = revision_review(revision_id=revision.pk)
        own = revision.author_id == request.user.pk
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"版{revision.pk}の審査（{revision.section.key}）",
            "review": review,
            "form": form,
            "can_edit": is_editor(request.user),
            "can_review": is_reviewer(request.user) and not own,
            "own": own,
            "S": RevisionStatus,
            "A": Action,
        }
        return TemplateResponse(request, "admin/briefings/revision_review.html", context)

    @admin.action(description="審査に提出")
    def submit(self, request: HttpRequest, queryset: QuerySet[SectionRevision]) -> None:
        self._transition(request, queryset, Action.SUBMIT)

    @admin.action(description="承認して今すぐ公開")
    def approve(self, request: HttpRequest, queryset: QuerySet[SectionRevision]) -> None:
        self._transition(request, queryset, Action.APPROVE)

    def _transition(self, request: HttpRequest, queryset: QuerySet[SectionRevision], action: str) -> None:
        for revision in queryset:
            try:
                revision_transition(revision_id=revision.pk, action=action, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"版{revision.pk}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"版{revision.pk}: {Action(action).label}しました。", messages.SUCCESS)


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Reviewers' queue: submitted revisions oldest first, then scheduled ones."""

    list_display = ("id", "section", "heading", "status", "release_kind", "author", "submitted_at", "publish_at", "review")
    list_filter = ("status", "section__briefing")
    search_fields = ("heading", "section__key", "change_summary")
    ordering = ("status", "submitted_at", "pk")
    list_display_links = None
    actions = ("approve_together",)

    @admin.action(description="選択した版をまとめて承認し、1つの公開版として今すぐ公開")
    def approve_together(self, request: HttpRequest, queryset: QuerySet[ReviewQueueEntry]) -> None:
        try:
            published = revisions_approve(revision_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, f"公開しませんでした: {exc.message}", messages.ERROR)
        else:
            numbers = "、".join(f"版{revision.pk}" for revision in published)
            self.message_user(request, f"{numbers}を1つの公開版として公開しました。", messages.SUCCESS)

    @admin.display(description="審査")
    def review(self, obj: SectionRevision) -> str:
        return review_link(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewQueueEntry]:
        return (
            super()
            .get_queryset(request)
            .filter(status__in=[RevisionStatus.SUBMITTED, RevisionStatus.SCHEDULED])
            .select_related("section__briefing", "author")
        )


class ReleaseSectionInline(ReadOnlyInline):
    model = ReleaseSection
    fields = ("position", "section", "revision")
    readonly_fields = fields


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("briefing", "number", "kind", "published_at", "information_as_of", "published_by")
    list_filter = ("briefing", "kind")
    readonly_fields = (
        "briefing",
        "number",
        "kind",
        "published_at",
        "information_as_of",
        "summary",
        "published_by",
        "footnote_numbers",
        "created_at",
    )
    inlines = (ReleaseSectionInline,)


@admin.register(Footnote)
class FootnoteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "revision", "text")
    search_fields = ("key", "text")
    list_filter = ("revision__section__briefing",)
    readonly_fields = ("revision", "key", "position", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Footnote]:
        return super().get_queryset(request).select_related("revision__section")


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("footnote", "source", "locator")
    search_fields = ("source__citation", "footnote__key")
    autocomplete_fields = ("source",)
    readonly_fields = ("footnote",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        return super().get_queryset(request).select_related("footnote__revision__section", "source")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "revision", "position", "text")
    search_fields = ("text",)
    readonly_fields = ("revision", "position", "paragraph", "role", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).select_related("revision__section")


@admin.register(RevisionTransition)
class RevisionTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "revision", "action", "from_status", "to_status", "actor")
    list_filter = ("action", "to_status")
    readonly_fields = ("revision", "action", "from_status", "to_status", "actor", "comment", "created_at")


@admin.register(LinkHealth)
class LinkHealthAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Link health for editors: what needs attention, and which notes and sections cite it."""

    list_display = ("status", "citation", "url", "last_checked_at", "consecutive_failures", "failing_since",
                    "archive", "affected")
    list_filter = ("status", "last_outcome")
    search_fields = ("source__citation", "source__url")
    ordering = ("-consecutive_failures", "source__url_domain")
    readonly_fields = ("source", "status", "last_checked_at", "last_ok_at", "failing_since", "consecutive_failures",
                       "last_outcome", "final_url")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LinkHealth]:
        return super().get_queryset(request).select_related("source")

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # evaluated once; the template shows these same instances
        notes = bibliography.citing_notes(source_ids=[health.source_id for health in rows])
        for health in rows:
            health.citing_notes = notes.get(health.source_id, [])  # per row: the admin instance is shared
        return changelist

    @admin.display(description="出典")
    def citation(self, obj: LinkHealth) -> str:
        return obj.source.citation[:80]

    @admin.display(description="URL")
    def url(self, obj: LinkHealth) -> str:
        return format_html('<a href="{0}" rel="noopener">{0}</a>', obj.source.url)

    @admin.display(description="アーカイブ")
    def archive(self, obj: LinkHealth) -> str:
        if not obj.source.archive_url:
            url = reverse("admin:sources_source_change", args=[obj.source_id])
            return format_html('<a href="{}">登録する</a>', url)
        return format_html('<a href="{}" rel="noopener">あり</a>', obj.source.archive_url)

    @admin.display(description="引用している注・節（最新の版）")
    def affected(self, obj: LinkHealth) -> str:
        notes = getattr(obj, "citing_notes", [])
        if not notes:
            return "—"
        return "、".join(f"注{note.number}（{note.section_key}）" for note in notes)
