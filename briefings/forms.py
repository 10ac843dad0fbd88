"""Forms of the admin review page. Validation only; the workflow service decides."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from briefings.markup import BodyValidationError, parse_revision
from briefings.models import Citation, Footnote, RevisionStatus, SectionRevision
from briefings.selectors.catalog import section_keys
from briefings import workflow
from briefings.workflow import Action
from core.dates import format_date_ja, format_datetime_ja, today_tokyo
from core.versioning import version_of
from sources.models import Source


class CiteFieldsMixin(forms.Form):
    """Cite a source in one of the draft's notes, on the draft's own form (「出典を追加」).

    The admin gives ``cite_source`` its autocomplete widget with the "+" popup and
    narrows it to the sources the editor may see (``RevisionAdminForm``); the
    service ``revision_cite`` writes the citation after the draft is saved.
    """

    cite_footnote = forms.ChoiceField(
        label="出典を追加する脚注", required=False,
        help_text="本文に書いた脚注 [^key] から選びます。新しい脚注は、本文に書いて一度保存すると選べます。",
    )
    cite_source = forms.ModelChoiceField(
        label="出典", required=False, queryset=Source.objects.none(),
        help_text="既存の出典を検索して選ぶか、「+」で新しい出典（URLのない図書・会議録・紙面・インタビューも可）を登録します。",
    )
    cite_locator = forms.CharField(label="所在", required=False, max_length=100, help_text="例：84頁")

    def setup_citing(self, *, sources: QuerySet[Source]) -> None:
        """Offer this draft's notes and ``sources``; without notes the fields go away."""
        keys = list(Footnote.objects.filter(revision_id=self.instance.pk).order_by("position")
                    .values_list("key", "text")) if self.instance.pk else []
        if not keys or not self.instance.is_editable:
            for name in CITE_FIELDS:
                self.fields.pop(name, None)
            return
        self.fields["cite_footnote"].choices = [("", "---------"), *[
            (key, f"[^{key}] {text[:40]}") for key, text in keys
        ]]
        self.fields["cite_source"].queryset = sources

    def clean_citing(self, data: dict[str, Any]) -> None:
        if "cite_source" not in self.fields:
            return
        footnote, source = data.get("cite_footnote"), data.get("cite_source")
        if source is not None and not footnote:
            self.add_error("cite_footnote", "出典を追加する脚注を選んでください。")
        elif footnote and source is None and "cite_source" not in self.errors:
            self.add_error("cite_source", "追加する出典を選ぶか、「+」で登録してください。")
        elif data.get("cite_locator") and source is None:
            self.add_error("cite_source", "所在を書いた出典を選んでください。")


CITE_FIELDS = ("cite_footnote", "cite_source", "cite_locator")


class RevisionForm(CiteFieldsMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The admin edit form of a draft: the body is checked against the editing format here,
    so every located error shows on the form and nothing is saved.

    It carries the version the draft was loaded at (``core.versioning``): saving over a
    newer version is refused with the editor's text kept in the form.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SectionRevision
        fields = ("number", "heading", "body", "information_as_of", "change_summary", "release_kind")
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100, "lang": "ja"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = version_of(self.instance)
        if "information_as_of" in self.fields:
            self.fields["information_as_of"].help_text = cutoff_help(self.instance)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        loaded = data.get("version") or None
        if self.instance.pk and loaded:
            current = SectionRevision.objects.get(pk=self.instance.pk)
            if version_of(current) != loaded:
                raise forms.ValidationError(
                    f"この下書きは、あなたが開いた後に他の人が保存しました（{format_datetime_ja(current.updated_at)}）。"
                    "あなたの入力はこの画面に残っています。別の画面で最新の内容を確かめ、必要な変更を反映してから保存してください。",
                    code="stale_version",
                )
        if "body" in self.fields and "heading" in self.fields and not self.errors:
            try:
                section = self.instance.section if self.instance.section_id else None
                sections = section_keys(briefing_id=section.briefing_id) if section else None
                parse_revision(heading=data.get("heading", ""), body=data.get("body", ""), sections=sections)
            except BodyValidationError as exc:
                for error in exc.errors:
                    self.add_error("heading" if error.line == 0 else "body", str(error))
        self.clean_citing(data)
        return data


def cutoff_help(revision: SectionRevision) -> str:
    """Say what the cutoff means, today's date in Tokyo, and the base revision's cutoff beside it."""
    base = revision.base if revision.base_id else None
    text = f"この版の情報がいつ現在のものか。今日は{format_date_ja(today_tokyo())}（日本時間）です。"
    if base is not None:
        text += f"元にした公開中の版（版{base.pk}）の基準日は{format_date_ja(base.information_as_of)}です。"
    return text


class CitationAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """Add a source to a note of a draft (only drafts' notes can be chosen)."""

    class Meta:
        model = Citation
        fields = ("footnote", "source", "locator")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["footnote"].queryset = Footnote.objects.filter(
            revision__status=RevisionStatus.DRAFT
        ).select_related("revision__section")
        self.fields["footnote"].help_text = "下書きの脚注だけを選べます（公開済みの版の脚注は変えられません）。"

    def validate_unique(self) -> None:
        """Positions are given by the service; nothing to check here."""


class ReviewActionForm(forms.Form):
    """One workflow action on a revision, with the comment and time it needs."""

    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    release_note = forms.CharField(
        label="公開版の注記（読者向け）", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="何を、なぜ変えたか。空欄なら変更の概要から作ります。",
    )
    publish_at = forms.DateTimeField(
        label="公開日時（日本時間）",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Asia/Tokyo の日時として解釈します。",
    )

    def clean(self) -> dict[str, Any]:
        """What each action needs comes from the workflow table (``briefings.workflow.MOVES``)."""
        data = super().clean() or {}
        action = data.get("action")
        moves = [move for move in workflow.MOVES if move.action == action]
        if any(move.needs_comment for move in moves) and not (data.get("comment") or "").strip():
            self.add_error("comment", f"{Action(action).label}にはコメントが必要です。")
        if any(move.needs_publish_at for move in moves):
            publish_at: dt.datetime | None = data.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", "公開日時を入力してください。")
            elif publish_at <= timezone.now():
                self.add_error("publish_at", "公開日時は未来の日時にしてください（今すぐ公開する場合は「承認して今すぐ公開」）。")
        return data


class ApproveTogetherForm(forms.Form):
    """The public note of a release that publishes several revisions at once (the reviewers' queue)."""

    release_note = forms.CharField(
        label="公開版の注記（読者向け）", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="何を、なぜ変えたか。各版の変更の概要から下書きしています。",
    )
    comment = forms.CharField(label="差戻しの理由", required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                              help_text="セットのすべての版に同じ理由が記録されます。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "差し戻すには理由を書いてください。")
        return data
