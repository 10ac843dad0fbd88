"""Admin for editors and reviewers. Configuration only: writes go through services."""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from briefings import workflow
from briefings.forms import CITE_FIELDS, ApproveTogetherForm, CitationAddForm, ReviewActionForm, RevisionForm
from briefings.models import (
    Briefing,
    Citation,
    Claim,
    Footnote,
    ReviewQueueEntry,
    RevisionContributor,
    RevisionStatus,
    RevisionTransition,
    Section,
    SectionRevision,
)
from briefings.selectors.labels import label_of, revision_label, section_admin_rows, with_chapter_numbers
from briefings.selectors.review import release_note_default, review_panels, revision_review
from briefings.services import (
    Action,
    revision_create_draft,
    revision_transition,
    revision_update,
    revisions_approve,
    revisions_reject,
)
from briefings.services.presence import presence_message, revision_presence_touch
from briefings.services.revisions import citation_update, revision_cite
from core.admin import FrozenAwareAdminMixin, ReadOnlyAdminMixin
from core.dates import format_date_ja, today_tokyo
from core.errors import ApplicationError
from core.versioning import version_of
from core.roles import is_editor
from sources.models import Source


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False


def _has_published(**filters: Any) -> bool:
    return SectionRevision.objects.filter(**filters).exclude(status=RevisionStatus.DRAFT).exists()


@admin.register(Briefing)
class BriefingAdmin(FrozenAwareAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A briefing with a revision beyond draft is frozen: its slug is in every citation of it."""

    list_display = ("title", "slug", "publication", "author", "created_at")
    search_fields = ("title", "slug")
    readonly_fields = ("created_at", "updated_at")

    def is_frozen(self, obj: Briefing) -> bool:
        return _has_published(section__briefing=obj)


@admin.register(Section)
class SectionAdmin(FrozenAwareAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A section with a revision beyond draft is frozen: its key is a stable identifier."""

    list_display = ("label", "cutoff", "work", "briefing", "key", "updated_at")
    list_display_links = ("label",)
    list_filter = ("briefing",)
    list_select_related = ("briefing",)
    search_fields = ("key", "revisions__heading")
    ordering = ("briefing", "position")
    actions = ("new_draft_from_published",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Section]:
        return section_admin_rows(super().get_queryset(request))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Section], search_term: str) -> Any:
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False  # a heading matches in several revisions: one row per section

    def is_frozen(self, obj: Section) -> bool:
        return _has_published(section=obj)

    @admin.display(description="節", ordering="position")
    def label(self, obj: Section) -> str:
        return label_of(obj)

    @admin.display(description="情報の基準日（公開中）")
    def cutoff(self, obj: Section) -> str:
        return format_date_ja(obj.cutoff) if getattr(obj, "cutoff", None) else "—"  # type: ignore[attr-defined]

    @admin.display(description="作業中の版")
    def work(self, obj: Section) -> str:
        work_id = getattr(obj, "work_id", None)
        if work_id is None:
            return "—"
        url = reverse("admin:briefings_sectionrevision_review", args=[work_id])
        return format_html('<a href="{}">版{}（{}）</a>', url, work_id, RevisionStatus(obj.work_status).label)  # type: ignore[attr-defined]

    @admin.action(description="公開版から新しい下書きを作成")
    def new_draft_from_published(self, request: HttpRequest, queryset: QuerySet[Section]) -> None:
        for section in queryset:
            try:
                # An editor starts a draft to bring the section up to date: its cutoff is today (Tokyo).
                draft = revision_create_draft(section=section, actor=request.user, information_as_of=today_tokyo())
            except ApplicationError as exc:
                self.message_user(request, f"{label_of(section)}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{label_of(section)}: 下書き（版{draft.pk}）を作成しました。", messages.SUCCESS)


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = ("position", "paragraph", "role", "text")
    readonly_fields = fields


class FootnoteInline(ReadOnlyInline):
    """The draft's notes with their sources; each citation opens where its locator is changed or removed."""

    model = Footnote
    fields = ("position", "key", "text", "sources")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Footnote]:
        return super().get_queryset(request).prefetch_related("citations__source")

    @admin.display(description="出典（所在）")
    def sources(self, obj: Footnote) -> str:
        citations = list(obj.citations.all())
        if not citations:
            return "出典なし"
        return format_html_join(
            "、", '<a href="{}" class="citation-link">{}{}</a>',
            ((reverse("admin:briefings_citation_change", args=[c.pk]), c.source.citation,
              f"（{c.locator}）" if c.locator else "") for c in citations),
        )


class TransitionInline(ReadOnlyInline):
    model = RevisionTransition
    fields = ("created_at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RevisionTransition]:
        return super().get_queryset(request).select_related("actor")


class ContributorInline(ReadOnlyInline):
    model = RevisionContributor
    fields = ("user", "first_changed_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RevisionContributor]:
        return super().get_queryset(request).select_related("user")
    verbose_name_plural = "内容を書いた・変えた人（この人たちは承認できません）"


class MineFilter(admin.SimpleListFilter):
    title = "作成者"
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "自分の版")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SectionRevision]) -> QuerySet[SectionRevision]:
        return queryset.filter(author=request.user) if self.value() == "1" else queryset


# Actions the review page gives a form of their own (inputs, wording); any other action of the
# workflow table gets a generic button, so a new move needs no template change.
OWN_FORMS = {Action.SUBMIT, Action.REBASE, Action.REOPEN, Action.APPROVE, Action.SCHEDULE, Action.REJECT,
             Action.UNSCHEDULE}


def review_link(revision: SectionRevision) -> str:
    url = reverse("admin:briefings_sectionrevision_review", args=[revision.pk])
    return format_html('<a href="{}">差分・プレビュー・操作</a>', url)


@admin.register(SectionRevision)
class SectionRevisionAdmin(FrozenAwareAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = RevisionForm
    list_display = ("id", "label", "status", "information_as_of", "author", "updated_at", "comment", "review_short")
    list_display_links = ("id", "label")
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
        ("内容", {"fields": ("number", "heading", "body", "information_as_of", "change_summary", "release_kind",
                            "version")}),
        (
            "審査",
            {"fields": ("author", "submitted_at", "reviewed_by", "reviewed_at", "review_comment", "publish_at", "published_at")},
        ),
        ("記録", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (ClaimInline, FootnoteInline, ContributorInline, TransitionInline)
    actions = ("submit", "approve")

    def is_frozen(self, obj: SectionRevision) -> bool:
        """Anything beyond a draft is frozen; a draft with a history of review is kept for the record."""
        return not obj.is_editable or RevisionTransition.objects.filter(revision=obj).exists()

    def has_change_permission(self, request: HttpRequest, obj: SectionRevision | None = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super(FrozenAwareAdminMixin, self).has_change_permission(request, obj)

    @admin.display(description="審査")
    def review(self, obj: SectionRevision) -> str:
        return review_link(obj)

    @admin.display(description="審査")
    def review_short(self, obj: SectionRevision) -> str:
        """The review page's link, short enough for a 1280 px list."""
        url = reverse("admin:briefings_sectionrevision_review", args=[obj.pk])
        return format_html('<a href="{}">差分・操作</a>', url)

    @admin.display(description="節", ordering="section__position")
    def label(self, obj: SectionRevision) -> str:
        return revision_label(obj)

    @admin.display(description="審査コメント")
    def comment(self, obj: SectionRevision) -> str:
        return Truncator(obj.review_comment).chars(60) or "—"

    @admin.display(description="読み込んだ版")
    def version(self, obj: SectionRevision) -> str:
        """Shown on read-only pages; editable drafts carry it as a hidden form field instead."""
        return version_of(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SectionRevision]:
        return with_chapter_numbers(super().get_queryset(request).select_related("section__briefing", "author"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are created from a section ("公開版から新しい下書きを作成")

    def get_form(self, request: HttpRequest, obj: SectionRevision | None = None, change: bool = False,
                 **kwargs: Any) -> Any:
        """Bind the citing fields to this editor: the sources they may see, searched, with the "+" popup."""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        site = self.admin_site
        rel = Citation._meta.get_field("source").remote_field
        source_admin = site._registry.get(Source)
        can_add = bool(source_admin and source_admin.has_add_permission(request))
        sources = Source.objects.visible_to(request.user).filter(is_current=True)

        class RevisionAdminForm(form_class):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.setup_citing(sources=sources)
                if "cite_source" in self.fields:
                    self.fields["cite_source"].widget = RelatedFieldWidgetWrapper(
                        AutocompleteSelect(Citation._meta.get_field("source"), site), rel, site,
                        can_add_related=can_add, can_change_related=False, can_delete_related=False,
                        can_view_related=False,
                    )
                    self.fields["cite_source"].queryset = sources  # hands the new widget its choices

        return RevisionAdminForm

    def get_fieldsets(self, request: HttpRequest, obj: SectionRevision | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if (obj is not None and obj.is_editable and is_editor(request.user)
                and Footnote.objects.filter(revision=obj).exists()):
            return (*fieldsets[:2], ("出典を追加", {
                "fields": CITE_FIELDS,
                "description": "脚注に出典を引用します（保存すると下書きに加わります）。既にある出典は下の「脚注」の一覧から開いて、所在の変更や削除ができます。",
            }), *fieldsets[2:])
        return fieldsets

    def save_model(self, request: HttpRequest, obj: SectionRevision, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data
                if name in form.cleaned_data and name != "version" and name not in CITE_FIELDS}
        try:
            revision_update(revision_id=obj.pk, actor=request.user, data=data,
                            expected_version=form.cleaned_data.get("version") or None)
            source = form.cleaned_data.get("cite_source")
            if source is not None:
                citation = revision_cite(revision_id=obj.pk, footnote_key=form.cleaned_data["cite_footnote"],
                                         source=source, locator=form.cleaned_data.get("cite_locator", ""),
                                         actor=request.user)
                self.message_user(request, f"脚注[^{form.cleaned_data['cite_footnote']}]に出典「{citation}」を追加しました。",
                                  messages.SUCCESS)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def get_urls(self) -> list[Any]:
        review = self.admin_site.admin_view(self.review_view)
        presence = self.admin_site.admin_view(require_POST(self.presence_view))
        return [
            path("<int:object_id>/review/", review, name="briefings_sectionrevision_review"),
            path("<int:object_id>/presence/", presence, name="briefings_sectionrevision_presence"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Show who else has this draft open (and count this person in); saving stays guarded by the version."""
        context = dict(extra_context or {})
        revision = SectionRevision.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if revision is not None and revision.is_editable and is_editor(request.user):
            others = revision_presence_touch(revision_id=revision.pk, user=request.user)
            context["presence_url"] = reverse("admin:briefings_sectionrevision_presence", args=[revision.pk])
            context["presence_message"] = presence_message(others)
        if revision is not None:  # what other apps add to a revision (the events app: the events it covers)
            context["panels"] = review_panels(revision)
        return super().change_view(request, object_id, form_url, context)

    def presence_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        """The open draft page's heartbeat: refresh this person's presence, answer who else is there."""
        revision = get_object_or_404(SectionRevision, pk=object_id)
        if not revision.is_editable or not is_editor(request.user):
            raise PermissionDenied
        others = revision_presence_touch(revision_id=revision.pk, user=request.user)
        return JsonResponse({"others": others, "message": presence_message(others)})

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
                    release_note=data.get("release_note") or None,
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"版{revision.pk}: {workflow.DONE[data['action']]}。", messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            self.message_user(request, "入力に誤りがあります。", messages.ERROR)
        review = revision_review(revision_id=revision.pk)
        actions = workflow.available_actions(review.revision, request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"版{revision.pk}の審査（{revision.section.key}）",
            "review": review,
            "form": form,
            "actions": actions,
            "other_actions": workflow.describe([a for a in actions if a not in OWN_FORMS]),
            "four_eyes": workflow.blocked_by_four_eyes(review.revision, request.user),
            "can_edit": is_editor(request.user) and review.revision.is_editable,
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
                self.message_user(request, f"版{revision.pk}: {workflow.DONE[action]}。", messages.SUCCESS)


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Reviewers' queue: submitted revisions oldest first, then scheduled ones."""

    list_display = ("id", "section", "heading", "status", "release_kind", "author", "submitted_at", "publish_at", "review")
    list_filter = ("status", "section__briefing")
    search_fields = ("heading", "section__key", "change_summary")
    ordering = ("status", "submitted_at", "pk")
    list_display_links = None
    actions = ("approve_together",)

    @admin.action(description="選択した版を1つの変更セットとして審査（全差分・まとめて承認／差戻し）")
    def approve_together(self, request: HttpRequest, queryset: QuerySet[ReviewQueueEntry]) -> HttpResponse | None:
        """Show the set as one page (every diff, one release note), then approve or reject it as one."""
        revisions = list(queryset.select_related("section").order_by("section__position"))
        decision = request.POST.get("decision") or ("approve" if "confirm" in request.POST else None)
        form = ApproveTogetherForm(request.POST if decision else None)
        if decision and form.is_valid():
            ids = [revision.pk for revision in revisions]
            note = form.cleaned_data["release_note"] or None
            try:
                if decision == "reject":
                    revisions_reject(revision_ids=ids, actor=request.user, comment=form.cleaned_data["comment"])
                else:
                    revisions_approve(revision_ids=ids, actor=request.user, release_note=note)
            except ApplicationError as exc:
                self.message_user(request, f"変更セットの{'差戻し' if decision == 'reject' else '公開'}をしませんでした: "
                                  f"{exc.message}", messages.ERROR)
            else:
                numbers = "、".join(f"版{pk}" for pk in ids)
                done = "をまとめて差し戻しました" if decision == "reject" else "を1つの公開版として公開しました"
                self.message_user(request, f"{numbers}{done}。", messages.SUCCESS)
                return None
        reviews = [revision_review(revision_id=revision.pk) for revision in revisions]
        blocked = [review.revision for review in reviews
                   if workflow.blocked_by_four_eyes(review.revision, request.user)]
        return TemplateResponse(request, "admin/briefings/approve_together.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"変更セットの審査（{len(revisions)}節）",
            "reviews": reviews,
            "revisions": revisions,
            "blocked": blocked,
            "decision": decision,
            "form": form if form.is_bound else ApproveTogetherForm(
                initial={"release_note": release_note_default(revisions)}
            ),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })

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


@admin.register(Footnote)
class FootnoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Notes are written in the revision body (the editing format); here they are only looked up."""

    list_display = ("key", "revision", "text")
    show_full_result_count = False  # grows with history: one COUNT per page is enough
    search_fields = ("key", "text")
    list_filter = ("revision__section__briefing",)
    readonly_fields = ("revision", "key", "position", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Footnote]:
        return super().get_queryset(request).select_related("revision__section__briefing")


@admin.register(Citation)
class CitationAdmin(FrozenAwareAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Citations of a draft's notes are added and changed here (through the services); others are frozen."""

    list_display = ("footnote", "source", "locator")
    show_full_result_count = False  # grows with history: one COUNT per page is enough
    search_fields = ("source__citation", "footnote__key")
    autocomplete_fields = ("source",)

    def is_frozen(self, obj: Citation) -> bool:
        return obj.footnote.revision.status != RevisionStatus.DRAFT

    def get_form(self, request: HttpRequest, obj: Citation | None = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = CitationAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Citation | None = None) -> tuple[str, ...]:
        return ("footnote",) if obj is not None else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def save_model(self, request: HttpRequest, obj: Citation, form: Any, change: bool) -> None:
        try:
            if change:
                citation_update(citation_id=obj.pk, source=form.cleaned_data["source"],
                                locator=form.cleaned_data["locator"], actor=request.user)
            else:
                footnote = form.cleaned_data["footnote"]
                created = revision_cite(revision_id=footnote.revision_id, footnote_key=footnote.key,
                                        source=form.cleaned_data["source"], locator=form.cleaned_data["locator"],
                                        actor=request.user)
                obj.pk = created.pk
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: Citation) -> None:
        try:
            citation_update(citation_id=obj.pk, source=None, locator="", actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        return super().get_queryset(request).select_related("footnote__revision__section__briefing", "source")


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Sentences are written in the revision body (the editing format); here they are only looked up."""

    list_display = ("id", "revision", "position", "text")
    show_full_result_count = False  # grows with history: one COUNT per page is enough
    search_fields = ("text",)
    readonly_fields = ("revision", "position", "paragraph", "role", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).select_related("revision__section__briefing")


@admin.register(RevisionTransition)
class RevisionTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "revision", "action", "from_status", "to_status", "actor")
    list_select_related = ("revision__section__briefing", "actor")
    list_filter = ("action", "to_status")
    readonly_fields = ("revision", "action", "from_status", "to_status", "actor", "comment", "created_at")
    show_full_result_count = False  # grows with history: one COUNT per page is enough
