"""Refuse hostile requests before any view sees them: a clear 4xx, never a 500.

* A body larger than ``REQUEST_BODY_MAX_BYTES`` (by its ``Content-Length``) is
  413, before a byte of it is read.
* NUL (raw or ``%00``) in the path or the query string is 400: PostgreSQL
  cannot compare text with NUL, so a search or filter would otherwise crash.
* A form post (``application/x-www-form-urlencoded``, the admin's forms)
  whose values are not valid UTF-8, or contain NUL, a lone surrogate or a
  bidi control (``core.text``), is 400 naming the field. Django would
  silently replace invalid bytes with U+FFFD; we say so instead.

Reader pages get the Japanese 400/413 page, ``/api/`` gets JSON in the API's
error shape (an RFC 9457 problem document, ``core.problems``). JSON
bodies are checked by the API itself (``core.api.JSONParser``, ``InputSerializer``).
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.errorpages import error_response
from core.text import forbidden_character_message


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refuse(request)
        return refusal if refusal is not None else self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        """Return the 4xx response for a hostile request, or ``None`` to let it through."""
        limit = settings.REQUEST_BODY_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, "Content-Length が整数ではありません。")
        if length > limit:
            return error_response(
                request, 413, f"送信された本文が大きすぎます（{length:,}バイト、上限{limit:,}バイト）。"
            )
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("PATH_INFO", "")):
            return error_response(request, 400, "URLにNUL文字（U+0000）は使用できません。")
        query = request.META.get("QUERY_STRING", "")
        if query and (problem := _first_bad_pair(query.encode("latin-1", "replace"), check_text=False)):
            name, message = problem
            return error_response(request, 400, message, field=name, label=f"パラメータ「{name}」")
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/x-www-form-urlencoded":
            if problem := _first_bad_pair(request.body, check_text=True):
                name, message = problem
                return error_response(request, 400, message, field=name, label=f"項目「{name}」")
        return None


def _first_bad_pair(raw: bytes, *, check_text: bool) -> tuple[str, str] | None:
    """Return (field name, message) for the first bad name=value pair of an urlencoded string, or ``None``.

    Query strings (``check_text=False``) are only refused for NUL: a reader's
    search may hold anything else, and invalid UTF-8 there harms nobody.
    """
    for raw_name, raw_value in _pairs(raw):
        name = raw_name.decode("utf-8", "replace").replace("\x00", "\\x00")
        for part in (raw_name, raw_value):
            if b"\x00" in part:
                return name, "NUL文字（U+0000）は使用できません。"
            if not check_text:
                continue
            try:
                text = part.decode("utf-8")
            except UnicodeDecodeError as exc:
                return name, f"UTF-8として読めないバイト列が含まれています（{exc.start + 1}バイト目）。"
            if message := forbidden_character_message(text):
                return name, message
    return None


def _pairs(raw: bytes) -> list[tuple[bytes, bytes]]:
    """Split an urlencoded string into decoded (name, value) byte strings, as ``QueryDict`` does, bytes kept."""
    pairs = []
    for chunk in raw.split(b"&"):
        if chunk:
            name, _sep, value = chunk.partition(b"=")
            pairs.append((unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))))
    return pairs
