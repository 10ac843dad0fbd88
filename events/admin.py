"""Admin of events: the catalogue, and the editors' dashboard of sections needing an update.

Configuration and thin views only: writes go through ``events.services``.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from briefings.models import RevisionStatus, Section, SectionRevision
from briefings.selectors.labels import section_labels, with_labels
from briefings.selectors.source_problems import sections_with_source_problems
from core.admin import FrozenAwareAdminMixin, ReadOnlyAdminMixin
from core.roles import is_editor, is_reviewer
from core.errors import ApplicationError
from core.versioning import version_of
from events.models import Event, EventDismissal, EventLink, EventSource, RevisionEvent, StaleSection, Tag
from events.selectors import stale_sections
from events.forms import EventForm, RevisionEventsForm, SectionChoiceField
from events.services import (
    draft_from_stale_section,
    event_dismiss,
    event_key_new,
    event_publish_sources,
    notify_newly_stale,
    revision_edit,
    stale_section_ids,
)


class EventSourceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EventSource
    extra = 0
    autocomplete_fields = ("source",)


class EventLinkInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EventLink
    extra = 0
    raw_id_fields = ("claim",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "section":  # 「４．（１）ロシア・ウクライナ戦争」, not 「world-2025/ch4-1」
            kwargs["queryset"] = with_labels(Section.objects.select_related("briefing"))
            kwargs["form_class"] = SectionChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date_display", "title", "sections_shown", "precision", "recorded_by", "updated_at")
    list_select_related = ("recorded_by",)
    list_filter = ("precision", "tags")
    search_fields = ("title", "description", "key", "date_text")
    date_hierarchy = "occurred_on"
    filter_horizontal = ("tags",)
    form = EventForm
    readonly_fields = ("date_display", "precision", "latest_on", "recorded_by", "created_at", "updated_at")
    fields = (
        "key", "title", "description", "date_text", "date_display", "precision", "latest_on",
        "tags", "recorded_by", "created_at", "updated_at",
    )
    inlines = (EventSourceInline, EventLinkInline)

    def get_fields(self, request: HttpRequest, obj: Event | None = None) -> Any:
        """A new event gets its key made (``event_key_new``); an existing one shows it, read-only."""
        return self.fields[1:] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Event | None = None) -> Any:
        return self.readonly_fields if obj is None else ("key", *self.readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).prefetch_related(
            Prefetch("links", queryset=EventLink.objects.select_related("section").order_by("section__position")),
        )

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # evaluated once; the template shows these same instances
        labels = section_labels(section_ids={link.section_id for event in rows for link in event.links.all()})
        for event in rows:
            event.section_labels = [labels[link.section_id] for link in event.links.all()]
        return changelist

    @admin.display(description="関係する節")
    def sections_shown(self, obj: Event) -> str:
        return "、".join(getattr(obj, "section_labels", [])) or "—"

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        # Links are saved with the inlines, after this. Kept on the request: this admin is shared.
        request.stale_before = stale_section_ids()  # type: ignore[attr-defined]
        if not change:
            obj.recorded_by = request.user
            for attempt in range(3):  # another editor may take the same key at the same moment
                obj.key = event_key_new(on=obj.occurred_on)
                try:
                    with transaction.atomic():
                        super().save_model(request, obj, form, change)
                    return
                except IntegrityError:
                    if attempt == 2 or not Event.objects.filter(key=obj.key).exists():
                        raise
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        event_publish_sources(event_id=form.instance.pk)
        notify_newly_stale(before=getattr(request, "stale_before", set()))

    @admin.display(description="日付", ordering="occurred_on")
    def date_display(self, obj: Event) -> str:
        return obj.date_display


@admin.register(EventDismissal)
class EventDismissalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("event", "section", "reason", "decided_by", "decided_at")
    readonly_fields = ("event", "section", "reason", "decided_by", "decided_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # decided on the dashboard (「変更不要」)


@admin.register(RevisionEvent)
class RevisionEventAdmin(FrozenAwareAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Which events a revision covers: set on the draft (dashboard, API); frozen with the revision."""

    list_display = ("revision", "event")
    raw_id_fields = ("revision", "event")

    def is_frozen(self, obj: RevisionEvent) -> bool:
        return obj.revision.status != RevisionStatus.DRAFT

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set on the draft's own page (linked from its change form) or ``PATCH /api/revisions/<id>/``

    def get_urls(self) -> list[Any]:
        cover = self.admin_site.admin_view(self.revision_events_view)
        return [path("revision/<int:revision_id>/", cover, name="events_revisionevent_revision"), *super().get_urls()]

    def revision_events_view(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        """Show the events a revision covers; on a draft, an editor ticks the events that prompted the change.

        Saved by ``events.services.revision_edit`` (editors only, drafts only, guarded by the draft's version).
        """
        revision = get_object_or_404(SectionRevision.objects.select_related("section"), pk=revision_id)
        if not request.user.has_perm("briefings.view_sectionrevision"):
            raise PermissionDenied
        editable = revision.is_editable and is_editor(request.user)
        change_url = reverse("admin:briefings_sectionrevision_change", args=[revision.pk])
        covered = list(Event.objects.filter(covered_by__revision=revision).order_by("occurred_on", "pk"))
        form = RevisionEventsForm(request.POST or None, initial={"events": covered, "version": version_of(revision)})
        if request.method == "POST":
            if not editable:
                raise PermissionDenied
            if form.is_valid():
                try:
                    revision_edit(revision_id=revision.pk, actor=request.user, data={},
                                  event_ids=[event.pk for event in form.cleaned_data["events"]],
                                  expected_version=form.cleaned_data["version"] or None)
                except ApplicationError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    count = len(form.cleaned_data["events"])
                    self.message_user(request, f"版{revision.pk}が扱う出来事を{count}件にしました。", messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"この変更が扱う出来事：{revision}",
            "revision": revision, "covered": covered, "form": form if editable else None,
            "change_url": change_url, "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/events/revision_events.html", context)


@admin.register(StaleSection)
class StaleSectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The dashboard: stale sections, the events behind them and since when."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaleSection]:
        return super().get_queryset(request).none()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._act(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "更新が必要な節",
            "entries": stale_sections(),
            "source_problems": sections_with_source_problems(),
            "can_edit": is_editor(request.user),
            "can_review": is_reviewer(request.user),
        }
        return TemplateResponse(request, "admin/events/stale_dashboard.html", context)

    def _act(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        try:
            section_id = int(request.POST.get("section", ""))
            if action == "draft":
                draft = draft_from_stale_section(section_id=section_id, actor=request.user)
                self.message_user(request, f"下書き（版{draft.pk}）を作成し、出来事を結び付けました。", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:briefings_sectionrevision_change", args=[draft.pk]))
            if action == "dismiss":
                event_dismiss(
                    event_id=int(request.POST.get("event", "")), section_id=section_id,
                    reason=request.POST.get("reason", ""), actor=request.user,
                )
                self.message_user(request, "「変更不要」と記録しました。", messages.SUCCESS)
            else:
                self.message_user(request, f"未知の操作です: {action}", messages.ERROR)
        except ValueError:
            self.message_user(request, "節または出来事の指定が正しくありません。", messages.ERROR)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(request.path)
