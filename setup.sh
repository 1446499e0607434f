#!/usr/bin/env bash
# Set up finmodel on a fresh Debian/Ubuntu machine: system packages, a virtual environment in
# .venv and the package with its test dependencies.  Safe to run again (it skips what is there).
set -euo pipefail
cd "$(dirname "$0")"

# fonts-noto-cjk: Chinese text in the PDF; libharfbuzz-subset0: fast font subsetting in WeasyPrint;
# poppler-utils: pdftotext/pdftoppm for the report tests; libreoffice-calc-nogui: recalculates the
# workbook in the tests.
PKGS="fonts-noto-cjk libharfbuzz-subset0 poppler-utils libreoffice-calc-nogui"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends $missing
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
# matplotlib caches its font list on first use; rebuild it so the CJK font installed above is seen
.venv/bin/python -c "import matplotlib.font_manager as fm; fm._load_fontmanager(try_read_cache=False)" >/dev/null
