"""Reader pages of subscriptions: the form, the confirmation and the unsubscribe pages.

CSRF: these endpoints are exempt on purpose. The form sits on cached reader
pages (a token would be cached with them) and only ever mails a confirmation
link (throttled, one per subscription per interval); confirming and
unsubscribing are authorised by the signed token in the URL, and RFC 8058
requires the one-click POST to work without a cookie or form token.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from briefings.models import Briefing
from briefings.selectors.catalog import briefing_get
from core.errorpages import error_response
from core.errors import ApplicationError, NotFound
from releases.selectors import history
from subscriptions import selectors, tokens
from subscriptions.forms import SubscribeForm
from subscriptions.models import Subscription, SubscriptionStatus
from subscriptions.services import subscription_confirm, subscription_request, subscription_unsubscribe
from subscriptions.throttling import SubscribeThrottle


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form (whole briefing or one section). POST: ask for confirmation; the same answer for every address."""
    briefing = _published_briefing(slug)
    sections = selectors.published_sections(briefing=briefing)
    if request.method != "POST":
        form = SubscribeForm(initial={"section": request.GET.get("section", "")})
        return render(request, "subscriptions/subscribe.html", {"briefing": briefing, "form": form,
                                                                "sections": sections})
    if not SubscribeThrottle().allow_request(request, None):
        return error_response(request, 429, "登録の申込みが多すぎます。しばらくしてからもう一度お試しください。")
    form = SubscribeForm(request.POST)
    error = ""
    if form.is_valid():
        key = form.cleaned_data["section"]
        section = next((s for s, _label in sections if s.key == key), None) if key else None
        if key and section is None:
            error = f"節「{key}」はこのブリーフィングにありません。"
        else:
            try:
                subscription_request(email=form.cleaned_data["email"], briefing=briefing, section=section,
                                     frequency=form.cleaned_data["frequency"])
            except ApplicationError as exc:
                error = exc.message
            else:
                return render(request, "subscriptions/requested.html", {"briefing": briefing})
    return render(request, "subscriptions/subscribe.html", {"briefing": briefing, "form": form, "error": error,
                                                            "sections": sections}, status=400)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what is about to be confirmed, with a button (mail scanners follow links). POST: confirm."""
    return _token_page(
        request, token, read=tokens.read_confirm_token, act=subscription_confirm,
        page="subscriptions/confirm.html", done="subscriptions/confirmed.html",
        missing="この購読は見つかりません。もう一度登録してください。",
        context=lambda subscription, claims: {"frequency": claims.frequency},
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button. POST (the button, or a mail client's RFC 8058 one-click): unsubscribe at once."""
    return _token_page(
        request, token, read=tokens.read_unsubscribe_token, act=subscription_unsubscribe,
        page="subscriptions/unsubscribe.html", done="subscriptions/unsubscribed.html",
        missing="この購読は見つかりません（すでに削除されています）。",
        context=lambda subscription, claims: {"already": subscription.status == SubscriptionStatus.UNSUBSCRIBED},
    )


def _token_page(
    request: HttpRequest, token: str, *, read: Callable[[str], tokens.TokenClaims],
    act: Callable[..., Subscription], page: str, done: str, missing: str,
    context: Callable[[Subscription, tokens.TokenClaims], dict[str, Any]],
) -> HttpResponse:
    """POST: ``act`` on the token's subscription and show ``done``. GET: show ``page`` and its button.

    A forged, expired or orphaned token is a 400 page saying so (in Japanese).
    """
    try:
        if request.method == "POST":
            return render(request, done, {"subscription": act(token=token)})
        claims = read(token)
    except ApplicationError as exc:
        return error_response(request, 400, exc.message)
    subscription = selectors.subscription_by_id(subscription_id=claims.subscription_id)
    if subscription is None or subscription.email != claims.email:
        return error_response(request, 400, missing)
    return render(request, page, {"subscription": subscription, **context(subscription, claims)})


def _published_briefing(slug: str) -> Briefing:
    try:
        briefing = briefing_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if history.release_latest(briefing=briefing) is None:
        raise Http404(f"「{briefing.title}」はまだ公開されていません。")
    return briefing
