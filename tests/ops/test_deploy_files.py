"""The deployment files are valid as shipped: Procfile, nginx site, Varnish VCL, units, demo banner."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from demo.management.commands.load_demo import ACCOUNTS, accounts_banner

ROOT = Path(__file__).resolve().parents[2]
RENDER = [sys.executable, str(ROOT / "scripts/lib/render.py")]


def _procfile(name: str = "Procfile") -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_the_procfile_names_web_worker_and_beat():
    processes = _procfile()
    assert set(processes) == {"web", "worker", "beat"}
    assert processes["web"].startswith("gunicorn config.wsgi --config deploy/gunicorn.conf.py")
    assert processes["worker"].startswith("celery -A config worker")
    assert processes["beat"].startswith("celery -A config beat") and "--schedule" in processes["beat"]


def test_the_demo_runs_a_worker_and_beat_beside_the_web_server():
    processes = _procfile("deploy/Procfile.demo")
    assert set(processes) == {"web", "worker", "beat"}
    assert "runserver" in processes["web"] and ".demo/" in processes["beat"]


def test_beat_schedule_files_are_not_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "celerybeat-schedule*" in ignored and ".demo/" in ignored


def test_the_demo_banner_lists_every_account_and_what_it_may_do():
    banner = accounts_banner()
    for username, role, _groups, can in ACCOUNTS:
        assert re.search(rf"^  {username}\s+{role}\s+{re.escape(can)}$", banner, re.MULTILINE)
    assert {account[0] for account in ACCOUNTS} == {"editor", "editor2", "reviewer", "admin"}


def test_a_template_value_left_out_is_an_error(tmp_path: Path):
    result = subprocess.run([*RENDER, str(ROOT / "deploy/varnish/briefings.vcl"), "BACKEND_HOST=127.0.0.1"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "missing values for ['BACKEND_PORT']" in result.stderr
    result = subprocess.run([*RENDER, str(ROOT / "deploy/varnish/briefings.vcl"), "BACKEND_HOST=h", "BACKEND_PORT=1",
                             "TYPO=1"], capture_output=True, text=True)
    assert result.returncode == 2 and "no placeholder for ['TYPO']" in result.stderr


def _render(template: str, out: Path, **values: str) -> Path:
    text = subprocess.run([*RENDER, str(ROOT / template), *(f"{k}={v}" for k, v in values.items())],
                          capture_output=True, text=True, check=True).stdout
    out.write_text(text)
    return out


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_the_nginx_site_is_accepted_by_nginx(tmp_path: Path):
    # given: throw-away certificate, the site rendered as docs/operations.md says
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t",
                    "-keyout", str(tmp_path / "k"), "-out", str(tmp_path / "c")], capture_output=True, check=True)
    site = _render(
        "deploy/nginx/briefings.conf", tmp_path / "site.conf",
        WEB_UPSTREAM_SERVERS="server 127.0.0.1:8000; server 127.0.0.1:8001;", VARNISH_ADDRESS="127.0.0.1:6081",
        HTTP_LISTEN="127.0.0.1:80", HTTPS_LISTEN="127.0.0.1:443", INTERNAL_LISTEN="127.0.0.1:8080",
        SERVER_NAME="briefings.example.org", SITE_URL="https://briefings.example.org",
        ACCESS_LOG=str(tmp_path / "access.log"), TLS_CERT=str(tmp_path / "c"), TLS_KEY=str(tmp_path / "k"),
        STATIC_ROOT="/srv/briefings/static",
    )
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/pid; error_log {tmp_path}/error.log; events {{}}\n"
                    f"http {{ include /etc/nginx/mime.types; include {site}; }}\n")
    # when
    result = subprocess.run(["nginx", "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)
    # then
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("varnishd") is None, reason="varnish is not installed")
def test_the_vcl_compiles(tmp_path: Path):
    vcl = _render("deploy/varnish/briefings.vcl", tmp_path / "b.vcl", BACKEND_HOST="127.0.0.1", BACKEND_PORT="8080")
    command = ["varnishd", "-C", "-j", "none", "-f", str(vcl), "-n", str(tmp_path / "v")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_gunicorn_settings_load_and_follow_the_environment():
    code = "import runpy, json; c = runpy.run_path('deploy/gunicorn.conf.py'); print(json.dumps([c['bind'], " \
           "c['workers'], c['threads'], c['preload_app'], c['accesslog'], c['control_socket_disable']]))"
    env = {"PATH": "/usr/bin:/bin", "PORT": "8001", "WEB_CONCURRENCY": "3"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '["127.0.0.1:8001", 3, 4, false, null, true]'


def test_every_systemd_unit_reads_the_environment_file_and_restarts():
    units = sorted((ROOT / "deploy/systemd").glob("*.service"))
    assert [unit.name for unit in units] == ["briefings-beat.service", "briefings-web@.service",
                                             "briefings-worker.service"]
    for unit in units:
        text = unit.read_text()
        assert "EnvironmentFile=/etc/briefings/briefings.env" in text and "Restart=always" in text
