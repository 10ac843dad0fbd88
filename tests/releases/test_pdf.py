"""A release as PDF: Japanese fonts embedded, the release's text and notes inside."""
import re
import shutil
import subprocess
import zlib

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
    assert "初版" in text and "2025年2月9日現在" in text and "ロシア・クルスク州" in text
    assert "前掲脚注12参照" in text  # cross-references carry the release's numbers
    # tagged (PDF/UA-1), in Japanese, titled, and its text extracts in reading order
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+2025年の国際情勢の概観と展望（初版・2025年2月9日現在）", info, re.M)
    assert b"/Lang (ja)" in b"".join(_streams(response.content))  # the catalog sits in a compressed object stream
    headings = [text.index(f"{number}．") for number in "１２３４５６７"]
    assert headings == sorted(headings)
    assert text.index("本稿は2025年２月９日現在の情報に基づき") < text.index("１．")  # note 3 follows the lead
    # HTTP: immutable, validated by ETag and Last-Modified
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Last-Modified"] == "Sat, 08 Feb 2025 15:00:00 GMT" and response["ETag"].startswith('"')
    url = "/briefings/world-2025/releases/1/pdf"
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_pdf_of_a_missing_release_is_a_404(client, briefing):
    assert client.get("/briefings/world-2025/releases/9/pdf").status_code == 404


def _streams(pdf: bytes) -> list[bytes]:
    """The decompressed streams of a PDF (object streams included)."""
    found = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return found
