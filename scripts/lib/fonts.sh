# Sourced by scripts/demo and scripts/test: make sure WeasyPrint can set Japanese.
# ensure_japanese_font PYTHON: asks core/fonts.py (fontconfig); if no font covers
# Japanese, installs Debian's fonts-noto-cjk when apt and root (or sudo without a
# password) are at hand; otherwise says plainly that PDFs are unavailable.
# Returns 0 when Japanese fonts are there, 1 when PDFs will be refused (503).
ensure_japanese_font() {
  local python="$1" sudo=""
  if "$python" -m core.fonts >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    echo "No font covering Japanese: installing fonts-noto-cjk (Debian) for the PDFs ..."
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      fontconfig fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null 2>&1 || {
      $sudo apt-get update -qq >/dev/null 2>&1
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        fontconfig fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null 2>&1
    } || true
  fi
  if "$python" -m core.fonts; then return 0; fi
  echo "PDF UNAVAILABLE: no font covering Japanese is installed and none could be installed here."
  echo "  Release pages work; /briefings/<slug>/releases/<n>/pdf answers 503 with an explanation"
  echo "  (a PDF of empty boxes is never produced or cached). To fix: install fonts-noto-cjk"
  echo "  (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk) and run this command again."
  return 1
}
