"""Fixtures for fault tests: a Redis of our own that a test may stop, PostgreSQL made unreachable."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

# Spare ports of this worktree's range for servers a test stops (see scripts/test for the shared ones).
SPARE_REDIS_PORT = 56390


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = Path(tempfile.gettempdir()) / f"briefings-test-redis-{self.port}.log"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", tempfile.gettempdir(), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while _free(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"redis-server did not start on {self.port}: {text}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on a spare port, started for the test; ``stop()`` it to make the outage."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = None
    for port in (p for p in range(SPARE_REDIS_PORT, SPARE_REDIS_PORT + 10) if _free(p)):
        try:
            server = RedisServer(port)
            server.start()
            break
        except RuntimeError as exc:  # nothing listens there, yet a client's connection holds it as its own port
            if "Address already in use" not in str(exc):
                raise
            server = None
    if server is None:
        pytest.skip("no spare port for a second Redis")
    yield server
    server.stop()


@pytest.fixture
def database_down(monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Point Django's connection at a closed port, as if PostgreSQL had stopped; restored afterwards."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]  # bound, never listening, then released: connections are refused
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(dead_port)})
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL", "")
WORKER_APP_NAME = "briefings-test-worker"
_WORKER_MARKS = (
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs the Redis broker started by scripts/test"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database"),
)


def needs_worker(test):  # type: ignore[no-untyped-def]
    """Mark a test that runs real worker processes: PostgreSQL, the Redis broker, committed data."""
    for mark in _WORKER_MARKS:
        test = mark(test)
    return test


@dataclass
class Workers:
    """Real Celery worker processes on the test database and broker; ``log`` holds what they wrote."""

    log: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, **extra_env: str) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--pool=prefork",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
                cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.processes.append(process)
        return process

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool children at once: nothing runs any cleanup."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@pytest.fixture
def workers(tmp_path) -> Iterator[Workers]:  # type: ignore[no-untyped-def]
    """Start workers with ``workers.start()``; the test process sends tasks to the same broker."""
    from config.celery import app

    settings = connection.settings_dict
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "worker-test-" + "x" * 50,
        "PGDATABASE": settings["NAME"], "PGHOST": settings["HOST"] or "127.0.0.1", "PGPORT": str(settings["PORT"]),
        "PGUSER": settings["USER"] or "postgres", "DATABASE_URL": "", "CELERY_BROKER_URL": BROKER,
        "SITE_URL": "https://briefings.example.org", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PGAPPNAME": WORKER_APP_NAME,  # names their PostgreSQL sessions, to end what a killed one leaves
    }
    redis_url = BROKER.rsplit("/", 1)[0]
    import redis

    redis.Redis.from_url(f"{redis_url}/0").flushdb()  # no task left over from another test
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=BROKER)
    app._pool = None
    app.amqp._producer_pool = None
    running = Workers(tmp_path / "worker.log", env)
    yield running
    running.stop_all()
    with connection.cursor() as cursor:  # what a SIGKILLed worker left behind (a backend still waiting on a lock)
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                       [WORKER_APP_NAME])
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
