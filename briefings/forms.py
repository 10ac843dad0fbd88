"""Forms of the admin review page. Validation only; the workflow service decides."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from briefings.markup import BodyValidationError, parse_revision
from briefings.models import SectionRevision
from briefings.services import Action


class RevisionForm(forms.ModelForm):  # type: ignore[type-arg]
    """The admin edit form of a draft: the body is checked against the editing format here,
    so every located error shows on the form and nothing is saved."""

    class Meta:
        model = SectionRevision
        fields = ("number", "heading", "body", "information_as_of", "change_summary", "release_kind")
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100, "lang": "ja"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "body" in self.fields and "heading" in self.fields and not self.errors:
            try:
                parse_revision(heading=data.get("heading", ""), body=data.get("body", ""))
            except BodyValidationError as exc:
                for error in exc.errors:
                    self.add_error("heading" if error.line == 0 else "body", str(error))
        return data


class ReviewActionForm(forms.Form):
    """One workflow action on a revision, with the comment and time it needs."""

    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    publish_at = forms.DateTimeField(
        label="公開日時（日本時間）",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Asia/Tokyo の日時として解釈します。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == Action.REJECT and not (data.get("comment") or "").strip():
            self.add_error("comment", "差戻しにはコメントが必要です。")
        if action == Action.SCHEDULE:
            publish_at: dt.datetime | None = data.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", "公開日時を入力してください。")
            elif publish_at <= timezone.now():
                self.add_error("publish_at", "公開日時は未来の日時にしてください（今すぐ公開する場合は「承認して今すぐ公開」）。")
        return data
