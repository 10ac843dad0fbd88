"""DRF integration: the one place where domain exceptions become HTTP responses."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


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


class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Base of API input serializers: text fields take JSON strings only.

    DRF's ``CharField`` quietly turns ``0`` or ``true`` into text; a client
    sending a number where text is expected has a bug we should report (400).
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            for name, field in self.fields.items():
                if name not in data or field.read_only:
                    continue
                value = data[name]
                if isinstance(field, serializers.CharField) and not _is_text(value, field):
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
