"""Production settings read from the environment: connections, logs, Sentry, storage, the proxy."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.test import Client, override_settings

from core.proxy import client_address

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "s" * 60, "SITE_URL": "https://briefings.example.org"}


def _settings(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Import config.settings in a fresh interpreter with exactly this environment (plus PATH)."""
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", f"from config import settings as s\n{code}"], cwd=ROOT,
                          env={**base, **env}, capture_output=True, text=True)


def _value(expression: str, **env: str):  # type: ignore[no-untyped-def]
    result = _settings(f"import json; print(json.dumps({expression}, default=str))", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    db = _value('s.DATABASES["default"]', **PRODUCTION, DATABASE_URL="postgresql://u:p@db.internal:5432/briefings")
    assert "pool" not in db["OPTIONS"] and db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 5


def test_the_pool_bounds_connections_with_a_bounded_wait():
    db = _value('s.DATABASES["default"]', **PRODUCTION, DATABASE_URL="postgresql://u:p@db/b", DB_POOL="1",
                DB_POOL_MAX_SIZE="8")
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10} and db["CONN_MAX_AGE"] == 0


def test_the_demo_database_waits_for_the_worker_instead_of_failing():
    db = _value('s.DATABASES["default"]', DEBUG="1")
    assert db["OPTIONS"]["timeout"] == 20 and db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be 'plain' or 'json'"),
        ({"READYZ_TIMEOUT": "soon"}, "READYZ_TIMEOUT must be a number"),
        ({"DB_POOL": "maybe", "DATABASE_URL": "postgresql://u@h/b"}, "DB_POOL must be a boolean"),
    ],
)
def test_a_bad_value_stops_the_start_with_its_name(env, message):
    result = _settings("", **PRODUCTION, **env)
    assert result.returncode != 0 and message in result.stderr


def test_s3_storage_without_django_storages_says_what_to_install():
    result = _settings("", **PRODUCTION, AWS_STORAGE_BUCKET_NAME="briefings-media")
    if "ImproperlyConfigured" not in result.stderr:
        pytest.skip("django-storages is installed here")
    assert "pip install 'django-storages[s3]==1.14.6'" in result.stderr


def test_files_go_to_media_root_by_default():
    storages = _value('s.STORAGES["default"]', **PRODUCTION, MEDIA_ROOT="/srv/briefings/media")
    assert storages == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert _value("str(s.MEDIA_ROOT)", **PRODUCTION, MEDIA_ROOT="/srv/briefings/media") == "/srv/briefings/media"


class _Sentry(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli  # only when the SDK chose it

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_with_sentry_dsn_an_error_reaches_sentry_tagged_with_its_request_id():
    # given: a local stand-in for Sentry
    server = HTTPServer(("127.0.0.1", 0), _Sentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
    code = (
        "import django, logging, sentry_sdk; django.setup()\n"
        "from core.logging import _tag_sentry\n"
        "_tag_sentry('rid-0123456789')\n"
        "logging.getLogger('briefings.publishing').error('公開に失敗しました')\n"
        "sentry_sdk.flush(5)\n"
    )
    # when
    result = _settings(code, **PRODUCTION, SENTRY_DSN=dsn, DJANGO_SETTINGS_MODULE="config.settings")
    server.shutdown()
    # then
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for body in _Sentry.received for line in body.splitlines() if b'"tags"' in line]
    assert any(event["tags"].get("request_id") == "rid-0123456789" and "公開に失敗しました" in json.dumps(event,
               ensure_ascii=False) for event in events), _Sentry.received
    assert all("user" not in event or "email" not in event["user"] for event in events)


def test_sentry_dsn_without_the_sdk_says_what_to_install(tmp_path: Path):
    # given: an interpreter where sentry_sdk cannot be imported
    (tmp_path / "sentry_sdk.py").write_text("raise ImportError('not installed')\n")
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings"], cwd=ROOT, capture_output=True, text=True,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": f"{tmp_path}:{ROOT}", **PRODUCTION, "SENTRY_DSN": "http://k@h/1"},
    )
    assert result.returncode != 0 and "pip install sentry-sdk==2.75.0" in result.stderr


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # nginx -> app
        ("127.0.0.1", "203.0.113.9, 127.0.0.1", "203.0.113.9"),  # nginx -> Varnish -> nginx -> app
        ("127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote 6.6.6.6 itself: not believed
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not through a trusted proxy: the header is ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address, 203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "203.0.113.9, garbage", "127.0.0.1"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(remote, forwarded, client):
    trusted = frozenset({"127.0.0.1", "::1"})
    assert client_address(remote_addr=remote, forwarded_for=forwarded, trusted=trusted) == client


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1"], AXES_FAILURE_LIMIT=2)
def test_behind_the_proxy_one_persons_failed_logins_do_not_lock_out_everybody():
    # given: a stranger guesses the editor's password twice through nginx
    stranger = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _attempt in range(2):
        stranger.post("/admin/login/", {"username": "editor", "password": "wrong"})
    # when: the stranger tries again, and the editor logs in from elsewhere through the same proxy
    again = stranger.post("/admin/login/", {"username": "editor", "password": "wrong"})
    editor = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    other = editor.post("/admin/login/", {"username": "editor", "password": "wrong"})
    # then: the stranger's address is locked out for that name, the editor's is not
    assert again.status_code == 429
    assert other.status_code == 200  # the login form again, not "too many attempts"


def test_the_demo_broker_keeps_its_folder_and_the_visibility_timeout():
    # the visibility timeout once replaced the demo's folder options: the demo's worker died on 'data_in'
    options = _value("s.CELERY_BROKER_TRANSPORT_OPTIONS", DEBUG="1", CELERY_BROKER_URL="filesystem://localhost/",
                     CELERY_BROKER_FOLDER="/tmp/demo-broker")
    assert options == {"visibility_timeout": 3600, "data_folder_in": "/tmp/demo-broker",
                       "data_folder_out": "/tmp/demo-broker"}
    redis = _value("s.CELERY_BROKER_TRANSPORT_OPTIONS", **PRODUCTION, CELERY_BROKER_URL="redis://r:6379/0")
    assert redis == {"visibility_timeout": 3600}
