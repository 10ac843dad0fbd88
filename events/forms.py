"""Admin form of an event: the date is typed once, as Japanese text, and parsed here."""
from __future__ import annotations

from typing import Any

from django import forms

from briefings.models import Section
from briefings.selectors.labels import label_of
from core.dates import DateParseError, parse_japanese_date
from events.importing import japanese_text
from events.models import Event


class EventForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Event
        fields = ("key", "title", "description", "date_text", "tags")
        help_texts = {
            "date_text": "資料の表記のまま（例：25年3月5日、2024年10月～12月、令7.1.8、2025年2月）。精度と期間はここから決まります。",
        }

    def clean_date_text(self) -> str:
        text = self.cleaned_data["date_text"].strip()
        try:
            self._date = parse_japanese_date(text)
        except DateParseError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("title", "description"):
            if name in data:
                data[name] = japanese_text(data[name])
        return data

    def save(self, commit: bool = True) -> Event:
        event: Event = super().save(commit=False)
        if hasattr(self, "_date"):
            event.occurred_on = self._date.start
            event.occurred_until = self._date.until
            event.precision = self._date.precision
        if commit:
            event.save()
            self.save_m2m()
        return event


class SectionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A section chosen by its label (the queryset is annotated by ``briefings.selectors.labels.with_labels``)."""

    def label_from_instance(self, obj: Section) -> str:
        return f"{label_of(obj)}（{obj.briefing.title}）"


class EventChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Events as 「2025年3月5日　防衛省が…」: each with its date at its precision."""

    def label_from_instance(self, obj: Event) -> str:
        return f"{obj.date_display}　{obj.title}"


class RevisionEventsForm(forms.Form):
    """The events a draft covers (the whole set; unticking an event unlinks it)."""

    events = EventChoiceField(
        queryset=Event.objects.order_by("-occurred_on", "-pk"), required=False,
        widget=forms.CheckboxSelectMultiple, label="この変更が扱う出来事",
        help_text="この下書きのきっかけになった出来事を選びます（審査者は審査画面で日付とともに見ます）。",
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
