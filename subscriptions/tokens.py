"""Signed tokens in the links mailed to subscribers (``django.core.signing``, keyed by ``SECRET_KEY``).

* a confirmation token names the subscription, its address and the frequency
  asked for, and expires after ``SUBSCRIPTION_CONFIRM_MAX_AGE`` seconds;
* an unsubscribe token names the subscription and its address and never
  expires: the link in a mail sent years ago still works (RFC 8058).

Each kind has its own salt, so one can never be used as the other.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from core.errors import ApplicationError

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


@dataclass(frozen=True)
class TokenClaims:
    subscription_id: int
    email: str
    frequency: str = ""


def confirm_token(*, subscription_id: int, email: str, frequency: str) -> str:
    return signing.dumps({"s": subscription_id, "e": email, "f": frequency}, salt=CONFIRM_SALT)


def unsubscribe_token(*, subscription_id: int, email: str) -> str:
    return signing.dumps({"s": subscription_id, "e": email}, salt=UNSUBSCRIBE_SALT)


def read_confirm_token(token: str) -> TokenClaims:
    """Return what a confirmation token says; raise ``ApplicationError`` (Japanese) if it is forged or expired."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.SUBSCRIPTION_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ApplicationError("確認リンクの有効期限が切れています。もう一度登録してください。") from exc
    except signing.BadSignature as exc:
        raise ApplicationError("確認リンクが正しくありません。メールのリンクをそのまま開いてください。") from exc
    return _claims(data, with_frequency=True)


def read_unsubscribe_token(token: str) -> TokenClaims:
    """Return what an unsubscribe token says; raise ``ApplicationError`` (Japanese) if it is forged."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ApplicationError("解除リンクが正しくありません。メールのリンクをそのまま開いてください。") from exc
    return _claims(data, with_frequency=False)


def _claims(data: object, *, with_frequency: bool) -> TokenClaims:
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("e"), str):
        raise ApplicationError("リンクが正しくありません。")
    return TokenClaims(data["s"], data["e"], str(data.get("f", "")) if with_frequency else "")
