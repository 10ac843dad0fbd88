"""Japanese fonts before a PDF: never a PDF of empty boxes, never one cached."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.fonts import PDF_FAMILIES, japanese_font_check
from releases.pdf import stored_pdf
from releases.tasks import release_render_pdf_task

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_japanese_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fontconfig that knows only DejaVu (Latin), as on a machine without CJK fonts."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path}/cache</cachedir></fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    return config


def test_the_fonts_this_machine_resolves_for_the_pdf_cover_japanese():
    check = japanese_font_check()
    assert check.available, check.detail
    assert set(check.resolved) == set(PDF_FAMILIES) and all("CJK" in name for name in check.resolved.values())


def test_without_a_japanese_font_the_check_says_so_and_how_to_fix_it(no_japanese_font):
    check = japanese_font_check()
    assert check.available is False and check.japanese_fonts == ()
    assert "fonts-noto-cjk" in check.detail


def test_the_command_line_check_fails_without_a_japanese_font(no_japanese_font):
    # scripts/demo relies on the exit status
    missing = subprocess.run([sys.executable, "-m", "core.fonts"], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stdout.startswith("missing: ")
    env = {key: value for key, value in os.environ.items() if key != "FONTCONFIG_FILE"}
    found = subprocess.run([sys.executable, "-m", "core.fonts"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert found.returncode == 0 and found.stdout.startswith("ok: ")


def test_without_fontconfig_the_pdf_is_refused_not_guessed(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    check = japanese_font_check()
    assert check.available is False and "fontconfig" in check.detail


@pytest.mark.django_db
def test_no_pdf_is_rendered_or_cached_without_a_font_and_one_is_once_the_font_is_back(
    client, briefing, no_japanese_font, monkeypatch, caplog
):
    # given: no Japanese font
    # when
    refused = client.get("/briefings/world-2025/releases/1/pdf")
    # then: a clear page, the reason in the log, nothing stored
    assert refused.status_code == 503 and refused["Content-Type"].startswith("text/html")
    assert "日本語のフォントがないため、PDFを作成できません" in refused.content.decode()
    assert "fonts-noto-cjk" in caplog.text
    assert stored_pdf("world-2025", 1) is None
    assert "immutable" not in refused.get("Cache-Control", "")
    # when: the font is installed
    monkeypatch.delenv("FONTCONFIG_FILE")
    served = client.get("/briefings/world-2025/releases/1/pdf")
    # then
    assert served.status_code == 200 and served.content.startswith(b"%PDF-")
    assert stored_pdf("world-2025", 1) == served.content


@pytest.mark.django_db
def test_the_worker_stores_no_pdf_without_a_font(briefing, no_japanese_font, caplog):
    # given: the task the worker runs after a publication
    release = briefing.releases.get(number=1)
    # when
    result = release_render_pdf_task(release.pk)
    # then
    assert result == "" and stored_pdf("world-2025", 1) is None and "fonts-noto-cjk" in caplog.text
