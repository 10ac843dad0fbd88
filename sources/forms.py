"""The admin form that creates a source field by field. Validation only; ``sources.services`` writes."""
from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.dates import DateParseError, parse_japanese_date
from sources.models import Source
from sources.parsing import ParsedSource
from sources.services import find_current_duplicate

ADD_FIELDS = ("kind", "title", "author", "container", "volume", "publisher", "pages", "issued_text", "url",
              "accessed_on", "archive_url", "archive_captured_on")


class SourceAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new source of any kind, with or without a URL (books, Diet records, print newspapers, interviews)."""

    class Meta:
        model = Source
        fields = ADD_FIELDS
        help_texts = {"issued_text": "例：2025.3.12、令7.1.8、2025年3月（書いた精度で記録します）"}

    def clean_issued_text(self) -> str:
        text: str = self.cleaned_data.get("issued_text", "").strip()
        if text:
            try:
                parse_japanese_date(text)
            except DateParseError as exc:
                raise ValidationError(f"日付として読めません：{exc}", code="issued_text") from exc
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if not any((data.get(name) or "").strip() for name in ("title", "container", "author", "publisher", "url")):
            raise ValidationError("出典を特定する項目（標題・掲載誌紙・著者・発行者・URLのいずれか）を入力してください。")
        text = data.get("issued_text", "")
        parsed = ParsedSource(
            kind=data["kind"], citation="", issued=parse_japanese_date(text) if text else None,
            url=data.get("url", ""), pages=data.get("pages", ""),
            **{name: data.get(name, "") for name in ("title", "container", "volume", "author", "publisher")},
        )
        other = find_current_duplicate(parsed)
        if other is not None:
            raise ValidationError(
                f"同じ出典（出典{other.pk}：{other.citation}）が既にあります。新しく作らず、その出典を選んでください。",
                code="duplicate_source",
            )
        return data

    def _post_clean(self) -> None:
        """The service validates the instance it builds (``citation`` and ``fingerprint`` are derived there)."""
