"""DRF integration: the one place where domain exceptions become HTTP responses."""
from __future__ import annotations

import codecs
import json
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.utils.json import strict_constant
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError
from core.text import forbidden_character_message, json_depth, strings_in


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map ``ApplicationError`` and Django ``ValidationError`` to JSON responses."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code, **exc.extra}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            detail: Any = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


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
    400 naming the field.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            for name, field in self.fields.items():
                if name not in data or field.read_only:
                    continue
                value = data[name]
                unclean = next(filter(None, map(forbidden_character_message, strings_in(value))), None)
                if unclean is not None:
                    errors[name] = [unclean]
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


def _is_text(value: Any, field: serializers.Field) -> bool:  # type: ignore[type-arg]
    return isinstance(value, str) or (value is None and field.allow_null)
