"""One log line per request and per task, plain or JSON, carrying a request id.

* ``RequestLogMiddleware`` gives every request an id (the proxy's
  ``X-Request-ID`` when it is well formed, else a new one), returns it in the
  ``X-Request-ID`` response header and logs one line when the response is
  ready: method, path, status, duration, user.
* ``ContextFilter`` (installed on the handlers by ``LOGGING``) puts the
  current ``request_id``, ``task_id`` and ``task_name`` on every record, so
  every line written while serving that request or running that task names it.
* A task enqueued while serving a request carries the request's id in a
  message header (``before_task_publish``); the worker restores it before the
  task runs (``task_prerun``) and logs one line when it ends (``task_postrun``).
* ``JsonFormatter`` writes each record as one JSON object per line
  (``LOG_FORMAT=json``), for log shippers.

This module is imported by ``logging.config.dictConfig`` before the apps are
ready: it imports nothing from the project.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("task_id", default=None)
task_name_var: ContextVar[str | None] = ContextVar("task_name", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "briefings_request_id"  # the message header that carries the id to the worker
# Ids from the proxy are accepted only in this shape (nginx's $request_id is 32 hex digits):
# anything else (too long, spaces, control characters) is replaced, never logged as given.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
QUIET_PATHS = ("/healthz", "/readyz")  # load-balancer probes: logged at DEBUG only

request_logger = logging.getLogger("core.request")
task_logger = logging.getLogger("core.task")

# Attributes every LogRecord has; anything else on a record is an ``extra`` field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def current_request_id() -> str | None:
    """Return the id of the request (or of the request that enqueued the task) being served."""
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """Return ``value`` if it is a well-formed request id, else a new one."""
    if value and _VALID_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


class ContextFilter(logging.Filter):
    """Add ``request_id``, ``task_id`` and ``task_name`` to every record ("-" when none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in (("request_id", request_id_var), ("task_id", task_id_var), ("task_name", task_name_var)):
            if not getattr(record, name, None):
                setattr(record, name, var.get() or "-")
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line (UTC time, extras included)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_") or value in (None, "-"):
                continue
            entry[key] = value if isinstance(value, str | int | float | bool | list | dict) else str(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Assign the request id, echo it in ``X-Request-ID``, and log one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        _tag_sentry(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            user = _user_if_loaded(request)
            level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
            request_logger.log(
                level,
                "%s %s %s",
                request.method,
                request.get_full_path(),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "remote_addr": request.META.get("REMOTE_ADDR"),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _user_if_loaded(request: HttpRequest) -> Any:
    """The request's user if something already looked it up: logging never costs a query."""
    user = getattr(request, "user", None)
    loaded = getattr(user, "_wrapped", user)  # AuthenticationMiddleware sets a lazy object
    return None if loaded is empty else loaded


def _tag_sentry(request_id: str) -> None:
    """Tag Sentry events of this request with its id, when Sentry is in use."""
    sentry_sdk = sys.modules.get("sentry_sdk")  # never imported here: it is an optional dependency
    if sentry_sdk is not None:
        sentry_sdk.set_tag("request_id", request_id)


# --- Celery ---------------------------------------------------------------
_task_started: dict[str, tuple[float, Any]] = {}


def on_before_task_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Carry the current request id to the worker in a message header."""
    request_id = request_id_var.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def on_task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """Restore the enqueuing request's id and name the task on every line it logs."""
    request_id = _header(task.request) if task is not None else None
    tokens = (
        request_id_var.set(request_id) if request_id else None,  # eager tasks keep the caller's id
        task_id_var.set(task_id),
        task_name_var.set(task.name if task is not None else None),
    )
    if request_id:
        _tag_sentry(request_id)
    if task_id:
        _task_started[task_id] = (time.perf_counter(), tokens)


def _header(request: Any) -> str | None:
    """The request id a task was sent with (a worker lifts message headers onto the request; eager runs do not)."""
    return request.get(TASK_HEADER) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)


def on_task_postrun(task_id: str | None = None, task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    """Log one line for the task that just ended, then forget its context."""
    started, tokens = _task_started.pop(task_id or "", (None, None))
    task_logger.log(
        logging.INFO if state in (None, "SUCCESS") else logging.WARNING,
        "task %s %s",
        task.name if task is not None else "?",
        state or "",
        extra={"state": state, "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None},
    )
    if tokens is not None:
        request_token, task_token, name_token = tokens
        task_name_var.reset(name_token)
        task_id_var.reset(task_token)
        if request_token is not None:
            request_id_var.reset(request_token)


def connect_celery_signals() -> None:
    """Connect the handlers above (called once from ``CoreConfig.ready``)."""
    signals.before_task_publish.connect(on_before_task_publish, weak=False, dispatch_uid="core.logging.publish")
    signals.task_prerun.connect(on_task_prerun, weak=False, dispatch_uid="core.logging.prerun")
    signals.task_postrun.connect(on_task_postrun, weak=False, dispatch_uid="core.logging.postrun")
