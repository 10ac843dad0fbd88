"""A release as PDF: Japanese fonts embedded, the release's text and notes inside."""
import shutil
import subprocess

import pytest


def test_release_pdf_embeds_japanese_fonts_and_holds_the_text(client, briefing, tmp_path):
    response = client.get("/briefings/world-2025/releases/1/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(response.content)
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils is not installed")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK-JP" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "第1版" in text and "2025年2月9日現在" in text and "ロシア・クルスク州" in text
    assert "前掲脚注12参照" in text  # cross-references carry the release's numbers


def test_pdf_of_a_missing_release_is_a_404(client, briefing):
    assert client.get("/briefings/world-2025/releases/9/pdf").status_code == 404
