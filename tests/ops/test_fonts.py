"""Japanese fonts before a PDF: never a PDF of empty boxes, never one cached."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from briefings.pdf import PDF_VERSION
from core.fonts import PDF_FAMILIES, japanese_font_check

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
    release_pk = briefing.releases.get(number=1).pk
    # when
    refused = client.get("/briefings/world-2025/releases/1/pdf")
    # then: a clear page, the reason in the log, nothing stored
    assert refused.status_code == 503 and refused["Content-Type"].startswith("text/html")
    assert "日本語のフォントがないため、PDFを作成できません" in refused.content.decode()
    assert "fonts-noto-cjk" in caplog.text
    assert cache.get(f"release-pdf:{release_pk}:v{PDF_VERSION}") is None
    # when: the font is installed
    monkeypatch.delenv("FONTCONFIG_FILE")
    served = client.get("/briefings/world-2025/releases/1/pdf")
    # then
    assert served.status_code == 200 and served.content.startswith(b"%PDF-")
    assert cache.get(f"release-pdf:{release_pk}:v{PDF_VERSION}") == served.content
