"""The subscription form (validation only; ``views`` hands the cleaned data to the service)."""
from __future__ import annotations

from django import forms

from subscriptions.models import Frequency


class SubscribeForm(forms.Form):
    email = forms.CharField(label="メールアドレス", max_length=254, widget=forms.EmailInput(
        attrs={"autocomplete": "email", "placeholder": "name@example.jp"}),
        error_messages={"required": "メールアドレスを入力してください。"})
    section = forms.CharField(label="節", required=False, max_length=100)
    frequency = forms.ChoiceField(
        label="頻度", choices=Frequency.choices, initial=Frequency.IMMEDIATE, widget=forms.RadioSelect,
        error_messages={"required": "頻度を選んでください。",
                        "invalid_choice": "頻度は「公開のたびに」か「週1回のまとめ」から選んでください。"},
    )
