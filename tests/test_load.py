"""Bounded load on 127.0.0.1 while a reviewer publishes: zero errors, every response whole.

gunicorn serves the test database; 50 client connections read today's as-of
page and the snapshot API for ``LOAD_SECONDS`` (default 10) while three
revisions are approved one after another. Every response must be a 200 and a
complete, consistent release: footnotes numbered 1..N with N the count frozen
in that release, every reference pointing at one of them. PostgreSQL only (the
server runs in other processes).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from briefings.models import Section
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from core.dates import today_tokyo
from releases.models import Release

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 50
SECONDS = float(os.environ.get("LOAD_SECONDS", "10"))

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn processes need a shared database"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn():  # type: ignore[no-untyped-def]
    port = _free_port()
    settings = connection.settings_dict
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "load-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1", "PGDATABASE": settings["NAME"], "PGHOST": settings["HOST"] or "127.0.0.1",
        "PGPORT": str(settings["PORT"] or 5432), "PGUSER": settings["USER"] or "postgres", "DATABASE_URL": "",
        "CELERY_BROKER_URL": "", "SECURE_SSL_REDIRECT": "0",
        "API_RATE_ANON_READ": "1000000/min",  # every simulated reader comes from 127.0.0.1
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "3", "--threads", "8",
         "--backlog", "256", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)


def _check_json(body: bytes) -> tuple[int, int]:
    data = json.loads(body)
    numbers = [note["number"] for note in data["footnotes"]]
    assert numbers == list(range(1, len(numbers) + 1))
    refs = {ref["number"] for s in data["sections"] for p in s["paragraphs"] for c in p for ref in c["footnote_refs"]}
    assert refs <= set(numbers)
    return data["release"], len(numbers)


def _check_html(body: bytes) -> tuple[int, int]:
    html = body.decode()
    assert html.rstrip().endswith("</html>")
    edition = re.search(r'class="release-number">(初版|第(\d+)版)', html)
    release = 1 if edition[1] == "初版" else int(edition[2])  # type: ignore[index]
    notes = [int(n) for n in re.findall(r'<li id="fn-(\d+)"', html)]
    assert notes == list(range(1, len(notes) + 1))
    assert {int(n) for n in re.findall(r'href="#fn-(\d+)" id="fnref', html)} <= set(notes)
    return release, len(notes)


def test_readers_under_load_while_a_reviewer_publishes(gunicorn, briefing, editor, reviewer):
    drafts = []
    for key in ("ch4-1", "ch7-2", "ch3-2"):
        draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key=key), actor=editor)
        body = draft.body.rstrip("\n") + f"\n\n負荷試験中に追加した段落である[^load-{key}]。\n\n[^load-{key}]: 負荷試験の注。\n"
        revision_update(revision_id=draft.pk, actor=editor, data={"body": body})
        revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
        drafts.append(draft.pk)
    paths = [f"/briefings/world-2025/as-of/{today_tokyo().isoformat()}/", "/api/briefings/world-2025/snapshot/"]
    seen: list[tuple[int, int]] = []
    errors: list[str] = []
    counts = {"requests": 0}
    lock = threading.Lock()
    deadline = {"stop": time.monotonic() + SECONDS + 30}  # moved to SECONDS after the first response

    def reader(index: int) -> None:
        path = paths[index % 2]
        while time.monotonic() < deadline["stop"]:
            try:
                client = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=30)
                client.request("GET", path, headers={"Host": "127.0.0.1"})
                response = client.getresponse()
                body = response.read()
                client.close()
                if response.status != 200:
                    raise AssertionError(f"{path}: HTTP {response.status}")
                pair = _check_json(body) if path.startswith("/api/") else _check_html(body)
                with lock:
                    seen.append(pair)
                    counts["requests"] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
                with lock:
                    errors.append(f"{path}: {exc!r}")

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    first = time.monotonic() + 30
    while not seen and not errors and time.monotonic() < first:
        time.sleep(0.1)  # publish only once readers are being served (a loaded machine starts slowly)
    started = time.monotonic()
    deadline["stop"] = started + SECONDS + 60  # readers read until the last release has reached one of them
    for revision_id in drafts:
        time.sleep(SECONDS / (len(drafts) + 1))
        revision_transition(revision_id=revision_id, action=Action.APPROVE, actor=reviewer)
    last = max(Release.objects.values_list("number", flat=True))
    while time.monotonic() < deadline["stop"] and not errors and all(release != last for release, _ in seen[-500:]):
        time.sleep(0.1)
    deadline["stop"] = max(time.monotonic(), started + SECONDS)
    for thread in threads:
        thread.join(timeout=SECONDS + 60)

    assert not errors, errors[:10]
    frozen = {number: len(numbers) for number, numbers in Release.objects.values_list("number", "footnote_numbers")}
    assert all(frozen[release] == notes for release, notes in seen)  # each response is one whole release
    assert {release for release, _notes in seen} >= {1, 4}  # readers saw the paper and the last publication
    print(f"\n{counts['requests']} requests in {SECONDS:.0f} s over {CONNECTIONS} connections, 0 errors")
