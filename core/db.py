"""Database helpers shared by the services: retrying transactions that lost a race."""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}


def is_retryable(exc: BaseException) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES or getattr(cause, "pgcode", None) in RETRYABLE_SQLSTATES


def retry_on_conflict(attempts: int = 3, pause: float = 0.05) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Run a whole durable transaction again when PostgreSQL aborted it for a deadlock or a
    serialization failure, at most ``attempts`` times, with a short growing pause."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            for attempt in range(1, attempts + 1):
                try:
                    return function(*args, **kwargs)
                except OperationalError as exc:
                    if attempt == attempts or not is_retryable(exc):
                        raise
                    logger.warning("%s lost a race (%s); retrying (%d/%d)", function.__name__, exc, attempt, attempts)
                    time.sleep(pause * attempt)
            raise AssertionError("unreachable")

        return run

    return decorate
