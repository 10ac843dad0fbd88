"""Fixtures for fault tests: a Redis of our own that a test may stop, PostgreSQL made unreachable."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

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
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while _free(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on {self.port}")
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
    port = next((p for p in range(SPARE_REDIS_PORT, SPARE_REDIS_PORT + 10) if _free(p)), None)
    if port is None:
        pytest.skip("no spare port for a second Redis")
    server = RedisServer(port)
    server.start()
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
