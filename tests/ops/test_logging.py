"""One log line per request and per task, JSON on demand, the request id carried into tasks."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from core.logging import ContextFilter, JsonFormatter, request_id_var
from core.tasks import scheduler_heartbeat_task
from tests.ops.conftest import process_env, requires_postgres, start, stop, wait_for


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the console handler writes with LOG_FORMAT=json, captured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _lines(stream: io.StringIO, logger: str | None = None) -> list[dict]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if logger is None or line["logger"] == logger]


def test_a_json_line_is_one_object_with_time_level_context_extras_and_traceback(json_log):
    # given
    token = request_id_var.set("a" * 32)
    try:
        # when
        try:
            raise ValueError("壊れた入力\nを含む")
        except ValueError:
            logging.getLogger("briefings.test").exception("処理に失敗: %s", "版12", extra={"revision": 12})
    finally:
        request_id_var.reset(token)
    # then
    text = json_log.getvalue()
    assert text.count("\n") == 1  # the traceback's newlines are escaped inside the one line
    line = json.loads(text)
    assert line["level"] == "ERROR" and line["logger"] == "briefings.test" and line["message"] == "処理に失敗: 版12"
    assert line["request_id"] == "a" * 32 and line["revision"] == 12
    assert line["time"].endswith("+00:00") and "ValueError: 壊れた入力" in line["exception"]
    assert "task_id" not in line  # "-" placeholders are left out of JSON


@pytest.mark.django_db
def test_every_request_is_logged_once_with_its_id_which_the_response_returns(client, json_log):
    # when
    response = client.get("/briefings/nope/")
    # then
    [line] = _lines(json_log, "core.request")
    assert line["request_id"] == response["X-Request-ID"] and len(response["X-Request-ID"]) == 32
    assert (line["method"], line["path"], line["status"]) == ("GET", "/briefings/nope/", 404)
    assert isinstance(line["duration_ms"], float)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
        ("req-2025.03.10:abc", True),
        ("short", False),
        ("x" * 129, False),
        ("evil\nINFO forged line", False),
        ("<script>alert(1)</script>", False),
    ],
)
def test_a_request_id_from_the_proxy_is_kept_only_when_well_formed(client, json_log, sent, kept):
    # when
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    response = client.get("/", HTTP_X_REQUEST_ID=sent)
    # then
    assert (response["X-Request-ID"] == sent) is kept
    assert _lines(json_log, "core.request")[-1]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_health_probes_are_not_logged_at_info(client, json_log):
    client.get("/healthz")
    client.get("/readyz")
    assert _lines(json_log, "core.request") == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_a_request_enqueues_logs_under_that_request_id(client, briefing, editor, json_log):
    # given: a reviewer to notify, a draft of the editor
    reviewer = editor.__class__.objects.create_user("reviewer", "reviewer@example.org", "pw", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="reviewers"))
    client.force_login(editor)
    draft = client.post("/api/sections/ch4-1/revisions/", {}, content_type="application/json").json()
    # when: the submission commits inside the request, as in production, and the email task is queued
    response = client.post(f"/api/revisions/{draft['id']}/submit/", {}, content_type="application/json",
                           HTTP_X_REQUEST_ID="submit-request-0001")
    # then
    assert response.status_code == 200
    [task] = [line for line in _lines(json_log, "core.task")
              if line["task_name"] == "briefings.revision_notify_reviewers_task"]
    assert task["request_id"] == "submit-request-0001" and task["state"] == "SUCCESS"


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_logs_the_task_under_the_id_of_the_request_that_sent_it(redis, use_broker, tmp_path: Path):
    # given: a worker on a real Redis, logging JSON
    log = tmp_path / "worker.log"
    worker = start(["worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "-l", "INFO"], process_env(CELERY_BROKER_URL=redis.url(0)), log)
    use_broker(redis.url(0))
    try:
        # when: the task is sent while serving a request
        token = request_id_var.set("request-from-the-web-42")
        try:
            scheduler_heartbeat_task.delay()
        finally:
            request_id_var.reset(token)

        def task_line() -> dict | None:
            for text in log.read_text().splitlines():
                if text.startswith("{") and '"core.task"' in text:
                    return json.loads(text)
            return None

        line = wait_for(task_line, 60)
    finally:
        stop(worker)
    # then
    assert line is not None, log.read_text()[-2000:]
    assert line["task_name"] == "core.scheduler_heartbeat_task" and line["state"] == "SUCCESS"
    assert line["request_id"] == "request-from-the-web-42"


@pytest.mark.django_db
def test_logging_a_request_never_costs_a_query(client, editor, django_assert_num_queries, json_log):
    # given: a logged-in editor, and a page that never looks at the user
    client.force_login(editor)
    client.get("/api/briefings/")  # warm up
    # when
    with django_assert_num_queries(0):
        client.get("/static-nothing-here-but-404/")
    # then: the line is written, without the user id nobody looked up
    line = _lines(json_log, "core.request")[-1]
    assert line["status"] == 404 and "user_id" not in line
