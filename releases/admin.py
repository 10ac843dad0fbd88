"""Admin of the reader side: releases (read-only, with their digests) and link health with its citing notes."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdminMixin
from releases.models import Release, ReleaseSection
from releases.selectors.bibliography import citing_notes
from sources.models import LinkHealth


class ReleaseSectionInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = ReleaseSection
    extra = 0
    can_delete = False
    fields = ("position", "label", "section", "revision", "changed", "change_summary")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReleaseSection]:
        """Each row names its release, section and revision: joined, not queried once per row."""
        return super().get_queryset(request).select_related("release", "section__briefing", "revision__section__briefing")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Releases are frozen at publication: shown, never changed or deleted (superusers included)."""

    list_display = ("__str__", "briefing", "kind", "published_at", "information_as_of", "published_by")
    list_filter = ("briefing", "kind")
    list_select_related = ("briefing", "published_by")
    readonly_fields = (
        "briefing", "number", "kind", "published_at", "information_as_of", "summary", "published_by", "digest",
        "created_at",
    )
    inlines = (ReleaseSectionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Release]:
        return super().get_queryset(request).select_related("briefing", "published_by", "artefact")

    @admin.display(description="ダイジェスト")
    def digest(self, obj: Release) -> str:
        artefact = getattr(obj, "artefact", None)
        if artefact is None:
            return "—"
        url = reverse("api-release-artefact", args=[obj.pk])
        return format_html('<code>{}</code>（<a href="{}">保存物</a>）', artefact.digest, url)


@admin.register(LinkHealth)
class LinkHealthAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Link health for editors: what needs attention, and which notes of the latest releases cite it."""

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
        notes = citing_notes(source_ids={health.source_id for health in rows})
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
