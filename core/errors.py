"""Domain exceptions, mapped to HTTP in one place (``core.api.exception_handler``)."""
from __future__ import annotations


class ApplicationError(Exception):
    """A request the domain refuses; ``status`` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class PermissionDeniedError(ApplicationError):
    status = 403
    code = "permission_denied"
