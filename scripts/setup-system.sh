#!/usr/bin/env bash
# Installs the Debian packages whalewatch needs on a fresh machine:
#   fonts-noto-cjk   CJK glyphs in the PDF (otherwise Chinese prints as empty boxes)
#   poppler-utils    pdftotext/pdffonts/pdftoppm: tests read the PDF back
#   chromium         the preview and hostile-HTML tests drive a real headless browser
#   nodejs, npm      to install axe-core (accessibility checks in Chromium), unless node is already there
# Pango (WeasyPrint's text engine) ships with the base image; it is listed so a slimmer image works too.
set -euo pipefail
packages=(fonts-noto-cjk poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0 sqlite3)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
