"""A local HTTP server on 127.0.0.1 answering like the sites our sources point to."""
from __future__ import annotations

import http.server
import threading
import time

import pytest
from django.core.management import call_command

from sources.models import Source
from tests.events.conftest import EVENTS


class Handler(http.server.BaseHTTPRequestHandler):
    seen_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        Handler.seen_agents.append(self.headers.get("User-Agent", ""))
        port = self.server.server_address[1]
        routes = {
            "/ok": (200, {}, "<html><head><title>日中首脳会談</title></head><body>本文</body></html>"),
            "/moved": (301, {"Location": "/ok"}, ""),
            "/elsewhere": (302, {"Location": f"http://localhost:{port}/ok"}, ""),
            "/gone": (404, {}, "<title>404</title>"),
            "/broken": (500, {}, "error"),
            "/soft": (200, {}, "<html><head><title>お探しのページが見つかりません</title></head></html>"),
        }
        if self.path == "/slow":
            time.sleep(3)
            routes["/slow"] = (200, {}, "late")
        status, headers, body = routes.get(self.path, (404, {}, "no route"))
        payload = body.encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except BrokenPipeError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server API
        pass


@pytest.fixture
def site():  # type: ignore[no-untyped-def]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.seen_agents.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def every_source(briefing):  # type: ignore[no-untyped-def]
    """The 53 sources of the paper and the 6 of the demo's events (the defence ministry's decks…), by id."""
    call_command("import_events", str(EVENTS))
    return list(Source.objects.order_by("pk"))
