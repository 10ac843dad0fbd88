"""RFC 9457 problem details: the one error shape of everything under ``/api/``.

Every 4xx and 5xx the API gives is ``application/problem+json``::

    {"type": "https://<SITE_URL>/problems/validation_error", "title": "入力内容に誤りがあります",
     "status": 400, "detail": "as_of: 日付の形式が違います。", "code": "validation_error",
     "errors": [{"field": "as_of", "message": "日付の形式が違います。", "code": "invalid"}]}

* ``type`` is a stable URI per kind of problem (``PROBLEM_TYPES``, listed in
  ``docs/api.md``), built from ``SITE_URL``, never from the request's Host;
  ``title`` is its fixed Japanese summary, ``detail`` says what happened this time.
* ``code`` repeats the type's slug (the API's error shape before RFC 9457 had
  ``detail`` and ``code``; clients switching on ``code`` keep working).
* ``errors`` (validation failures only) names each field by its dotted path:
  ``body``, ``events.2``, ``items.0.name``; ``non_field_errors`` for the body as a whole.
* Domain errors add their own members (``id`` of the existing source on a
  duplicate, ``current_version`` on a 412, ...); they never replace the members above.

Built here, used by the DRF exception handler (``core.api``) and by the
responses Django gives outside DRF (``core.errorpages``: unknown ``/api/``
paths, 413, 429 lockouts, 500, 503).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypedDict

from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from core.site import absolute_url

PROBLEM_CONTENT_TYPE = "application/problem+json"
RESERVED_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "code", "errors"})


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its slug (the last segment of ``type``, and ``code``), status and title."""

    slug: str
    status: int
    title: str
    description: str


class FieldError(TypedDict):
    field: str
    message: str
    code: str


PROBLEM_TYPES: dict[str, ProblemType] = {kind.slug: kind for kind in (
    ProblemType("invalid", 400, "リクエストの内容に誤りがあります",
                "The request cannot be processed as sent (a malformed URL, header or parameter)."),
    ProblemType("validation_error", 400, "入力内容に誤りがあります",
                "One or more fields are invalid; `errors` lists each with its dotted path."),
    ProblemType("parse_error", 400, "リクエストの本文を読み取れません",
                "The body is not valid JSON (or nested too deeply, or not in the declared encoding)."),
    ProblemType("invalid_body", 400, "本文の書式に誤りがあります",
                "A revision body does not follow the editing format; `errors` gives each mistake with its line and column."),
    ProblemType("invalid_events", 400, "出来事の入力に誤りがあります",
                "Events given with a revision do not exist or are malformed."),
    ProblemType("invalid_paper", 400, "論文の書式に誤りがあります",
                "An imported paper does not follow the expected format."),
    ProblemType("not_authenticated", 401, "認証が必要です",
                "The endpoint needs credentials: send `Authorization: Token <key>` (see WWW-Authenticate)."),
    ProblemType("authentication_failed", 401, "認証に失敗しました",
                "The credentials sent are wrong: an unknown or revoked token, or a wrong password."),
    ProblemType("permission_denied", 403, "この操作は許可されていません",
                "Authenticated, but this user may not do this (role, four-eyes rule, CSRF for sessions)."),
    ProblemType("not_found", 404, "見つかりません",
                "No such resource, release or page (also a date before the first release)."),
    ProblemType("method_not_allowed", 405, "このメソッドは使用できません",
                "The HTTP method is not supported on this URL (see the Allow header)."),
    ProblemType("not_acceptable", 406, "指定された形式では応答できません",
                "The Accept header asks for a format the endpoint cannot produce."),
    ProblemType("conflict", 409, "現在の状態では実行できません",
                "The request conflicts with the current state of the resource."),
    ProblemType("invalid_transition", 409, "この状態からは実行できない操作です",
                "The workflow does not allow this action from the revision's status."),
    ProblemType("stale_base", 409, "元にした版が古くなっています",
                "The section was published again since the draft was based on it."),
    ProblemType("revision_not_editable", 409, "この版は編集できません",
                "Only drafts can be edited; submitted and published revisions are frozen."),
    ProblemType("publish_conflict", 409, "公開できません",
                "Publishing would conflict with another release of the briefing."),
    ProblemType("duplicate_source", 409, "同じ出典がすでに登録されています",
                "A source with the same identity exists; `id` names it."),
    ProblemType("frozen", 409, "確定済みのため変更できません",
                "Published history cannot be changed."),
    ProblemType("precondition_failed", 412, "他の人が先に変更しました",
                "`If-Match` names a version that is no longer current; `current_version` is the new one."),
    ProblemType("request_too_large", 413, "送信された本文が大きすぎます",
                "The body is larger than the server accepts."),
    ProblemType("unsupported_media_type", 415, "この形式の本文は受け付けません",
                "The body's Content-Type is not supported: send `application/json`."),
    ProblemType("throttled", 429, "リクエストが多すぎます",
                "Over the rate limit; retry after the seconds in the Retry-After header."),
    ProblemType("locked_out", 429, "ログインを一時的に受け付けていません",
                "Too many failed logins for this user name from this address; retry after Retry-After."),
    ProblemType("server_error", 500, "サーバーでエラーが発生しました",
                "An unexpected error; it is logged. Retrying later may help."),
    ProblemType("pdf_unavailable", 503, "PDFを作成できません",
                "The PDF of a release cannot be produced on this server right now."),
    ProblemType("service_unavailable", 503, "一時的に利用できません",
                "A dependency (the database) is unreachable; retry after the seconds in Retry-After."),
)}

# The type of a problem whose code names no type of its own.
DEFAULT_FOR_STATUS = {kind.status: kind for kind in reversed(PROBLEM_TYPES.values())}
DEFAULT_FOR_STATUS[400] = PROBLEM_TYPES["invalid"]
DEFAULT_FOR_STATUS[409] = PROBLEM_TYPES["conflict"]
DEFAULT_FOR_STATUS[503] = PROBLEM_TYPES["service_unavailable"]


def problem_type_uri(slug: str) -> str:
    """Return the stable URI of the problem type ``slug``."""
    return absolute_url(f"/problems/{slug}")


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: list[FieldError] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the problem document for ``status``, of the type named ``code`` (else the status's default).

    A status no type covers gets ``type: about:blank`` and the HTTP reason
    phrase as ``title``, as RFC 9457 asks. ``extra`` members never replace the
    standard ones.
    """
    kind = PROBLEM_TYPES.get(code or "")
    if kind is None or kind.status != status:
        kind = DEFAULT_FOR_STATUS.get(status)
    if kind is None:
        body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
                                "detail": detail, "code": code or "error"}
    else:
        body = {"type": problem_type_uri(kind.slug), "title": kind.title, "status": status,
                "detail": detail, "code": kind.slug}
    if errors:
        body["errors"] = errors
    for name, value in (extra or {}).items():
        if name not in RESERVED_MEMBERS:
            body[name] = value
    return body


def field_errors(detail: Any, *, code: str = "invalid", path: str = "") -> list[FieldError]:
    """Flatten DRF-style nested errors (``{"items": [{}, {"name": ["…"]}]}``) into dotted-path entries.

    A message's own code (DRF's ``ErrorDetail.code``) wins over ``code``.
    Messages at the top level belong to ``non_field_errors``.
    """
    if isinstance(detail, Mapping):
        found: list[FieldError] = []
        for key, value in detail.items():
            child = f"{path}.{key}" if path else str(key)
            found += field_errors(value, code=code, path=child)
        return found
    if isinstance(detail, (list, tuple)):
        found = []
        for index, item in enumerate(detail):
            if isinstance(item, (Mapping, list, tuple)):
                found += field_errors(item, code=code, path=f"{path}.{index}" if path else str(index))
            else:
                found += field_errors(item, code=code, path=path)
        return found
    return [{
        "field": path or api_settings.NON_FIELD_ERRORS_KEY,
        "message": str(detail),
        "code": str(getattr(detail, "code", None) or code),
    }]


def summary(errors: list[FieldError]) -> str:
    """Return a one-line Japanese ``detail`` naming the invalid fields and their messages."""
    shown = "／".join(f"{error['field']}: {error['message']}" for error in errors[:3])
    more = f"（ほか{len(errors) - 3}件）" if len(errors) > 3 else ""
    return f"入力内容に誤りがあります（{len(errors)}件）: {shown}{more}"


class ProblemJSONRenderer(JSONRenderer):
    """DRF's JSON renderer under the problem media type, for error responses whatever the Accept header."""

    media_type = PROBLEM_CONTENT_TYPE


def problem_response(status: int, body: dict[str, Any]) -> HttpResponse:
    """Return a plain Django response (outside DRF) carrying the problem document ``body``."""
    content = json.dumps(body, ensure_ascii=False)
    return HttpResponse(content, status=status, content_type=PROBLEM_CONTENT_TYPE)
