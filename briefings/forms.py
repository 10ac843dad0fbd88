"""Forms of the admin review page. Validation only; the workflow service decides."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from briefings.markup import BodyValidationError, parse_revision
from briefings.models import Citation, Footnote, RevisionStatus, SectionRevision
from briefings.selectors.catalog import section_keys
from briefings import workflow
from briefings.workflow import Action
from core.dates import format_date_ja, format_datetime_ja, today_tokyo
from core.versioning import version_of


class RevisionForm(forms.ModelForm):  # type: ignore[type-arg]
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
