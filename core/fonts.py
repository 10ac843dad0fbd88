"""Can WeasyPrint set Japanese text? Ask fontconfig, which WeasyPrint (through Pango) uses.

A PDF rendered without a font covering Japanese is a page of empty boxes;
such a PDF must never be produced, stored or cached. ``japanese_font_check``
asks fontconfig which installed fonts cover Japanese (``fc-list :lang=ja``)
and which font it resolves for each family the PDF asks for
(``fc-match "<family>:lang=ja"``). It is asked afresh on every call, so a
font installed later is seen without a restart of this check (WeasyPrint's
own font list is read once per process: restart the workers after
installing fonts).

``python -m core.fonts`` prints the answer and exits 1 when Japanese cannot
be set (used by ``scripts/demo``). This module does not need Django.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

# The families of templates/briefings/release_pdf.html, in the order it asks for them.
PDF_FAMILIES = ("Noto Serif CJK JP", "Noto Sans CJK JP")
INSTALL_HINT = "install a Japanese font, e.g. Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)"


@dataclass(frozen=True)
class FontCheck:
    """The answer: ``available`` only if fontconfig resolves a Japanese font for every PDF family."""

    available: bool
    japanese_fonts: tuple[str, ...]  # families covering Japanese
    resolved: dict[str, str]  # PDF family -> the font fontconfig resolves for it
    detail: str  # for operators and logs (English)


def japanese_font_check() -> FontCheck:
    """Ask fontconfig whether the fonts WeasyPrint will resolve for the PDF cover Japanese."""
    fc_list, fc_match = shutil.which("fc-list"), shutil.which("fc-match")
    if fc_list is None or fc_match is None:
        return FontCheck(False, (), {}, "fontconfig's fc-list/fc-match are missing: install Debian's fontconfig")
    try:
        listed = _run([fc_list, ":lang=ja", "family"])
        families = tuple(sorted({line.split(",")[0].strip() for line in listed.splitlines() if line.strip()}))
        resolved: dict[str, str] = {}
        covered = True
        for family in PDF_FAMILIES:
            # "%{lang}" lists the languages the matched font covers, separated by "|".
            answer = _run([fc_match, "--format=%{family[0]}\t%{lang}", f"{family}:lang=ja"])
            name, _tab, languages = answer.partition("\t")
            resolved[family] = name
            covered = covered and "ja" in languages.split("|")
    except (OSError, subprocess.SubprocessError) as exc:
        return FontCheck(False, (), {}, f"fontconfig could not be asked ({exc})")
    if not families or not covered:
        return FontCheck(False, families, resolved, f"no font covering Japanese is installed: {INSTALL_HINT}")
    used = ", ".join(f"{family} -> {name}" for family, name in resolved.items())
    return FontCheck(True, families, resolved, f"Japanese fonts found ({used})")


def _run(command: list[str]) -> str:
    return subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=20, env={**os.environ, "LC_ALL": "C.UTF-8"}
    ).stdout


def main() -> int:
    check = japanese_font_check()
    sys.stdout.write(("ok: " if check.available else "missing: ") + check.detail + "\n")
    return 0 if check.available else 1


if __name__ == "__main__":
    sys.exit(main())
