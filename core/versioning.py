"""Optimistic locking: the version a client or a form loaded, compared under the row lock.

One mechanism for the API and the admin: a row's version is its ``updated_at``
(every service write bumps it). The API sends it as a strong ``ETag`` on GET and
takes it back in ``If-Match`` on PATCH; the admin's change form carries it in a
hidden field. The service locks the row and compares before writing: a stale
version is ``PreconditionFailed`` (HTTP 412), never a silent overwrite. Without
``If-Match`` a PATCH still works (last write wins, as before); documented in the
API docs.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.errors import ApplicationError


class PreconditionFailed(ApplicationError):
    status = 412
    code = "precondition_failed"


def version_of(obj: Any) -> str:
    """The version token of a row: its primary key and last write, to the microsecond."""
    updated: dt.datetime = obj.updated_at
    return f"{obj.pk}-{int(updated.timestamp() * 1_000_000):x}"


def etag_of(obj: Any) -> str:
    return f'"{version_of(obj)}"'


def expected_from_if_match(header: str | None) -> str | None:
    """The version an ``If-Match`` header names (``*`` and absence mean no precondition)."""
    if not header or header.strip() == "*":
        return None
    return header.split(",")[0].strip().removeprefix("W/").strip('"')


def check_version(obj: Any, expected: str | None, *, what: str) -> None:
    """Raise ``PreconditionFailed`` unless ``expected`` is ``None`` or ``obj``'s current version.

    Call it with the row locked (``select_for_update``) so that the answer holds until commit.
    """
    if expected is not None and expected != version_of(obj):
        raise PreconditionFailed(
            f"{what}は、読み込んだ後に他の人が変更しました。最新の内容を読み込み直してから、変更をもう一度適用してください。",
            extra={"current_version": version_of(obj)},
        )
