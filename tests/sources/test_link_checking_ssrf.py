"""The link checker cannot be turned against our own network (SSRF), and no server can hold it.

Every hop is vetted: scheme, every DNS answer, every redirect target. Local
servers on 127.0.0.1 stand in for both an attacker's site and the internal
service it points at; loopback is refused unless the test-only setting admits it.
"""
from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from sources import linkcheck
from sources.models import LinkOutcome

REAL_GETADDRINFO = socket.getaddrinfo  # the tests' conftest allows loopback names only; some cases need the real one
UA = "BriefingsLinkChecker/test"


class Routes(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []
    redirects: dict[str, str] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        Routes.hits.append(self.path)
        if self.path in Routes.redirects:
            self.send_response(302)
            self.send_header("Location", Routes.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(100_000):  # ~800 MB if read to the end
                    self.wfile.write(b"x" * 8192)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(200):  # a byte every 0.2 s: each read is quick, the whole never ends
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            payload = b"<title>internal admin</title>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server API
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Routes)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Routes.hits.clear()
    Routes.redirects.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _fetch(url: str, *, allow_loopback: bool = False, timeout: float = 3) -> linkcheck.FetchResult:
    return linkcheck.fetch(url, timeout=timeout, user_agent=UA, allow_loopback=allow_loopback)


def test_loopback_is_refused_by_default_and_never_contacted(server):
    # when
    result = _fetch(server + "/admin")
    # then
    assert result.outcome == LinkOutcome.CONNECTION_ERROR
    assert "公開されていないアドレス" in result.error and "127.0.0.1" in result.error
    assert Routes.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.0.0.5/", "http://172.16.3.4/", "http://192.168.1.1/", "http://100.64.0.1/",  # private, shared
        "http://0.0.0.0:80/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/",
        "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/",
    ],
)
def test_non_public_address_literals_are_refused_without_a_connection(monkeypatch, url):
    # given: any connection attempt fails the test
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail(f"connected for {url}"))
    # when
    result = _fetch(url, allow_loopback=False)
    # then
    assert result.outcome == LinkOutcome.CONNECTION_ERROR and "公開されていないアドレス" in result.error


@pytest.mark.parametrize("answers", [["10.1.2.3"], ["93.184.215.14", "127.0.0.1"], ["169.254.169.254"], ["::1"]])
def test_a_name_resolving_to_any_non_public_address_is_refused(monkeypatch, answers):
    # given: DNS for an innocent-looking name answers with internal addresses
    def resolver(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        assert host == "innocent.example.com"
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port)) for a in answers]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connected"))
    # when
    result = _fetch("https://innocent.example.com/page")
    # then
    assert result.outcome == LinkOutcome.CONNECTION_ERROR and "innocent.example.com" in result.error


def test_numeric_host_spellings_resolve_to_loopback_and_are_refused(monkeypatch, server):
    # given: 2130706433 and 0x7f.1 are 127.0.0.1 to the C resolver
    monkeypatch.setattr(socket, "getaddrinfo", REAL_GETADDRINFO)
    port = server.rsplit(":", 1)[1]
    for host in ("2130706433", "0x7f.1", "127.1"):
        assert "公開されていないアドレス" in _fetch(f"http://{host}:{port}/admin").error
    assert Routes.hits == []


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(monkeypatch, server):
    # given: DNS answers the loopback server once, then would rebind to the metadata address
    answers = iter(["127.0.0.1", "169.254.169.254"])
    port = int(server.rsplit(":", 1)[1])

    def rebinding(host, p, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "rebind.example":  # an address literal (the connection itself) resolves to itself
            return REAL_GETADDRINFO(host, p, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), p))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    # when
    result = _fetch(f"http://rebind.example:{port}/ok", allow_loopback=True)
    # then: one lookup, one connection to what was vetted, the Host header keeps the name
    assert result.outcome == LinkOutcome.OK and Routes.hits == ["/ok"]


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/iam/", "http://10.0.0.1/admin",
                                    "file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "ftp://example.org/x"])
def test_a_redirect_to_a_forbidden_target_is_refused_at_that_hop(monkeypatch, server, target):
    # given: a public-looking page (loopback admitted for the first hop) redirecting inward
    Routes.redirects["/start"] = target
    monkeypatch.setattr(socket, "create_connection", _only_loopback(socket.create_connection))
    # when
    result = _fetch(server + "/start", allow_loopback=True)
    # then
    assert result.outcome == LinkOutcome.CONNECTION_ERROR
    assert result.final_url == target and Routes.hits == ["/start"]


def test_a_redirect_back_to_loopback_is_refused_when_loopback_is_not_admitted(monkeypatch, server):
    # given: the first hop is "public" (patched resolver), and redirects to the loopback service
    port = int(server.rsplit(":", 1)[1])
    Routes.redirects["/start"] = f"http://127.0.0.1:{port}/admin"
    monkeypatch.setattr(linkcheck, "_is_public", lambda address, allow_loopback: str(address) != "127.0.0.1"
                        or Routes.hits == [])
    result = _fetch(server + "/start")
    assert result.outcome == LinkOutcome.CONNECTION_ERROR and Routes.hits == ["/start"]


def test_redirects_are_capped(server):
    result = _fetch(server + "/loop", allow_loopback=True)
    assert result.outcome == LinkOutcome.CONNECTION_ERROR and "リダイレクトが5回を超えました" in result.error
    assert len(Routes.hits) == linkcheck.MAX_REDIRECTS + 1


def test_a_huge_body_is_read_only_up_to_the_cap(server):
    # when
    began = time.monotonic()
    result = _fetch(server + "/huge", allow_loopback=True, timeout=10)
    # then: classified from the first 64 KiB, without reading the rest
    assert result.outcome == LinkOutcome.OK and time.monotonic() - began < 5


def test_a_server_dripping_bytes_cannot_hold_the_checker_past_its_budget(server):
    # given: the fetch runs in a thread we can wait for (without the budget it would run for 40 s)
    results: list[linkcheck.FetchResult] = []
    thread = threading.Thread(target=lambda: results.append(_fetch(server + "/drip", allow_loopback=True, timeout=1.5)))
    # when
    thread.start()
    thread.join(timeout=10)
    # then
    assert not thread.is_alive(), "the checker was still reading after 10 s"
    assert results[0].outcome == LinkOutcome.TIMEOUT


def _only_loopback(real):  # type: ignore[no-untyped-def]
    def connect(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not str(address[0]).startswith("127."):
            pytest.fail(f"connected to {address}")
        return real(address, *args, **kwargs)

    return connect


def test_the_loopback_exception_is_off_by_default_and_flagged_by_the_deploy_check(settings):
    from django.conf import settings as defaults

    from core.checks import check_link_checker_stays_public

    assert defaults.LINK_CHECK_ALLOW_LOOPBACK is False
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    assert [warning.id for warning in check_link_checker_stays_public()] == ["core.W001"]
