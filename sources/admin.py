"""Admin of sources: searchable, edited through ``sources.services``."""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import FrozenAwareAdminMixin
from core.errors import ApplicationError
from core.roles import is_editor
from core.tasks import enqueue
from sources.forms import ADD_FIELDS, SourceAddForm
from sources.models import LinkCheck, Source
from sources.services import source_create, source_update
from sources.tasks import link_check_task


class LinkCheckInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LinkCheck
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("checked_at", "outcome", "http_status", "final_url", "error", "elapsed_ms")
    readonly_fields = fields
    ordering = ("-checked_at",)
    verbose_name_plural = "リンク確認の記録"


@admin.register(Source)
class SourceAdmin(FrozenAwareAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Sources: correcting a frozen one (cited beyond draft, or public) saves a new version; the old one
    stays as earlier releases cite it. Frozen sources are never deleted."""

    inlines = (LinkCheckInline,)
    actions = ("check_links_now",)

    @admin.action(description="リンクを今すぐ確認（Celery）")
    def check_links_now(self, request: HttpRequest, queryset: Any) -> None:
        ids = list(queryset.exclude(url="").values_list("pk", flat=True))
        for source_id in ids:
            enqueue(link_check_task, source_id, True)
        self.message_user(request, f"{len(ids)}件のリンク確認を依頼しました。結果は「リンクの状態」に表示されます。", messages.SUCCESS)

    list_display = ("citation", "kind", "issued_text", "url_domain", "accessed_on")
    list_filter = ("kind", "url_domain", "issued_precision")
    search_fields = ("citation", "title", "author", "publisher", "container", "url")
    readonly_fields = ("citation", "fingerprint", "url_domain", "published_at", "frozen_at", "previous_version",
                       "is_current", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "citation")}),
        ("書誌", {"fields": ("author", "title", "container", "volume", "publisher", "pages")}),
        ("日付", {"fields": ("issued_text", "issued_on", "issued_until", "issued_precision", "accessed_on")}),
        ("URL", {"fields": ("url", "url_domain", "archive_url", "archive_captured_on")}),
        ("記録", {"fields": ("fingerprint", "published_at", "frozen_at", "previous_version", "is_current", "created_at",
                           "updated_at")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Editors describe a new source here (also from a draft's "+" popup); others never."""
        return is_editor(request.user) and super().has_add_permission(request)

    def get_form(self, request: HttpRequest, obj: Source | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SourceAddForm
            kwargs["fields"] = ADD_FIELDS
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Source | None = None) -> Any:
        if obj is None:
            return (
                (None, {"fields": ("kind",),
                        "description": "URLのない出典（図書、国会会議録、新聞の紙面、インタビュー等）も登録できます。"
                                       "引用頁（例：84頁）は出典ではなく引用の「所在」に書きます。"}),
                ("書誌", {"fields": ("title", "author", "container", "volume", "publisher", "pages", "issued_text")}),
                ("URL（あれば）", {"fields": ("url", "accessed_on", "archive_url", "archive_captured_on")}),
            )
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Source | None = None) -> Any:
        return () if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Source | None) -> Any:
        return () if obj is None else super().get_inlines(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        """What this person may see: sources cited only by drafts are for editors and reviewers."""
        return Source.objects.visible_to(request.user)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Source], search_term: str) -> Any:
        """Citing from a draft offers current versions only (an old version is what old releases cite)."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(is_current=True)
        return queryset, duplicates

    def is_frozen(self, obj: Source) -> bool:
        """Never deleted once frozen; changes go through ``save_model`` (a new version)."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        if obj is not None and (obj.is_frozen or obj.citations.exists() or not obj.is_current):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if not change:
            self._create(request, obj, form)
            return
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            saved = source_update(source=Source.objects.get(pk=obj.pk), data=data)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        except ApplicationError as exc:  # DuplicateSource: the new description is another source's
            self.message_user(request, exc.message, messages.ERROR)
            return
        if saved.pk != obj.pk:
            self.message_user(
                request,
                f"出典{obj.pk}は公開済みまたは審査中の版が引用しているため、修正を新しい版（出典{saved.pk}）として保存しました。"
                "既存の公開版は元の出典のままです。新しい下書きから修正が反映され、審査を経て公開されます。",
                messages.WARNING,
            )

    def _create(self, request: HttpRequest, obj: Source, form: Any) -> None:
        """Create through the service; ``obj`` becomes the stored source (the popup returns its id)."""
        created = source_create(**{name: form.cleaned_data[name] or "" if name not in DATE_FIELDS
                                   else form.cleaned_data[name] for name in ADD_FIELDS})
        for field in Source._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False


DATE_FIELDS = ("accessed_on", "archive_captured_on")
