"""DRF integration: the one place where domain exceptions become HTTP responses (RFC 9457 problems)."""
from __future__ import annotations

import codecs
import json
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.utils.json import strict_constant
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError
from core.problems import PROBLEM_CONTENT_TYPE, ProblemJSONRenderer, field_errors, problem, summary
from core.text import forbidden_character_message, json_depth, strings_in


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every error a DRF view raises with an RFC 9457 problem document (``core.problems``).

    ``ApplicationError`` (the domain's refusals, 400/403/404/409/412/503),
    Django's ``ValidationError``, ``Http404`` and ``PermissionDenied``, and DRF's
    own exceptions (validation, 401 with ``WWW-Authenticate``, 405, 415, 429
    with ``Retry-After``) all come out as ``application/problem+json`` whatever
    the ``Accept`` header; anything else propagates to ``handler500``
    (``core.errorpages``), which answers in the same shape.
    """
    if isinstance(exc, ApplicationError):
        response = Response(_application_problem(exc), status=exc.status)
    else:
        exc = _as_api_exception(exc)
        response = drf_exception_handler(exc, context)  # status, WWW-Authenticate, Retry-After, rollback
        if response is None or not isinstance(exc, exceptions.APIException):
            return response
        response.data = _api_problem(exc, response.status_code)
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return response


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(get_error_detail(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return exc


def _application_problem(exc: ApplicationError) -> dict[str, Any]:
    extra = dict(exc.extra)
    errors = field_errors(extra.pop("errors"), code=exc.code) if "errors" in extra else None
    return problem(exc.status, exc.message, code=exc.code, errors=errors, extra=extra)


def _api_problem(exc: exceptions.APIException, status_code: int) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        return problem(status_code, summary(errors), code="validation_error", errors=errors)
    if isinstance(exc, exceptions.Throttled):
        wait = f"{exc.wait:.0f}秒ほど" if exc.wait is not None else "しばらく"
        return problem(status_code, f"リクエストが多すぎます。{wait}おいて再度お試しください。", code="throttled")
    if isinstance(exc.detail, (dict, list)):
        detail = "／".join(error["message"] for error in field_errors(exc.detail))
        return problem(status_code, detail, code=exc.default_code)
    return problem(status_code, str(exc.detail), code=str(getattr(exc.detail, "code", exc.default_code)))


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``API_JSON_MAX_DEPTH`` (400, not a crash).

    Python's decoder recurses once per level: hundreds of thousands of ``[``
    would exhaust the stack (``RecursionError``, a 500). Every body the API
    takes is two or three levels deep, so a small limit costs no client anything.
    Errors are ``ParseError`` (400) with a Japanese message.
    """

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_JSON_MAX_DEPTH
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=strict_constant)
        except RecursionError as exc:
            raise ParseError(f"JSONの入れ子が深すぎます（最大{limit}段）。") from exc
        except UnicodeDecodeError as exc:
            raise ParseError(f"本文を{encoding}として読めません（{exc.start}バイト目）。") from exc
        except ValueError as exc:
            raise ParseError(f"JSONとして読めません: {exc}") from exc
        if json_depth(data) > limit:
            raise ParseError(f"JSONの入れ子が深すぎます（最大{limit}段）。")
        return data


class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Base of API input serializers: text fields take JSON strings only, and clean ones.

    DRF's ``CharField`` quietly turns ``0`` or ``true`` into text; a client
    sending a number where text is expected has a bug we should report (400).
    Any string anywhere in a field's value (list items and keys included) with
    a character of ``core.text`` (NUL, a lone surrogate, a bidi control) is a
    400 naming the field (and the list item: ``tags.1``).
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            for name, field in self.fields.items():
                if name not in data or field.read_only:
                    continue
                value = data[name]
                unclean = _first_unclean(name, value)
                if unclean is not None:
                    errors[unclean[0]] = [unclean[1]]
                elif isinstance(field, serializers.CharField) and not _is_text(value, field):
                    errors[name] = ["文字列で指定してください。"]
                elif (
                    isinstance(field, serializers.ListField)
                    and isinstance(field.child, serializers.CharField)
                    and isinstance(value, list)
                    and not all(isinstance(item, str) for item in value)
                ):
                    errors[name] = ["文字列の配列で指定してください。"]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _first_unclean(name: str, value: Any) -> tuple[str, str] | None:
    """Return (dotted path, message) of the first string with a forbidden character in ``value``, or ``None``.

    A list's item is named by its index (``tags.1``), as validation errors are.
    """
    items = enumerate(value) if isinstance(value, list) else [(None, value)]
    for index, item in items:
        message = next(filter(None, map(forbidden_character_message, strings_in(item))), None)
        if message is not None:
            return (name if index is None else f"{name}.{index}"), message
    return None


def _is_text(value: Any, field: serializers.Field) -> bool:  # type: ignore[type-arg]
    return isinstance(value, str) or (value is None and field.allow_null)
