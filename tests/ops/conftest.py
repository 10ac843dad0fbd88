"""Real processes for the operations tests: a Redis of their own, a Celery worker, beat."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


class Redis:
    """A throw-away redis-server on a free loopback port, which a test may stop."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for(self._answers, 10):
            raise RuntimeError("redis-server did not start")

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = Redis(tmp_path)
    yield server
    server.stop()


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a worker or beat process sharing the test database."""
    db = connection.settings_dict
    return {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "ops-test-" + "x" * 50,
        "SITE_URL": "https://briefings.example.org", "DATABASE_URL": "", "PGDATABASE": db["NAME"],
        "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"]), "PGUSER": db["USER"] or "postgres",
        "LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1", **extra,
    }


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def use_broker(monkeypatch):  # type: ignore[no-untyped-def]
    """Send this test process's tasks to a real broker instead of running them eagerly."""
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}

    def use(url: str) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery prefers the environment to its configuration
        app.conf.update(task_always_eager=False, broker_url=url)
        app._pool = None
        app.amqp._producer_pool = None

    yield use
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker and beat processes need a shared database"
)
