#!/usr/bin/env bash
# Set up finmodel on a fresh Debian/Ubuntu machine: system packages, a virtual environment in
# .venv and the package.  Safe to run again (it skips what is there).
#
#   ./setup.sh          what finmodel needs to appraise, price and serve the pricing desk
#   ./setup.sh --test   that, plus what the test suite needs (also: FINMODEL_SETUP_TEST=1)
set -euo pipefail
cd "$(dirname "$0")"

TEST="${FINMODEL_SETUP_TEST:-0}"
for arg in "$@"; do
  case "$arg" in
    --test) TEST=1 ;;
    *) echo "usage: ./setup.sh [--test]" >&2; exit 2 ;;
  esac
done

# fonts-noto-cjk: Chinese text in the PDF; libharfbuzz-subset0: fast font subsetting in WeasyPrint;
# gcc, libc6-dev: compile the Monte Carlo kernels (finmodel/lines/fused.py; numpy evaluates without).
PKGS="fonts-noto-cjk libharfbuzz-subset0 gcc libc6-dev"
if [ "$TEST" = 1 ]; then
  # poppler-utils: pdftotext/pdftoppm for the report tests; libreoffice-calc-nogui: recalculates
  # the workbook in the tests; chromium: the pricing desk's browser tests (driven by Playwright
  # with executable_path=/usr/bin/chromium; Playwright's own browser downloads are never used).
  PKGS="$PKGS poppler-utils libreoffice-calc-nogui chromium"
fi
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
if [ "$TEST" = 1 ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
# matplotlib caches its font list on first use; rebuild it so the CJK font installed above is seen
.venv/bin/python -c "import matplotlib.font_manager as fm; fm._load_fontmanager(try_read_cache=False)" >/dev/null
# the shipped examples' Monte Carlo kernels (appraise, price, screen) and those of the README's deal
# zones (each pair of terms has its own), compiled once into ~/.cache/finmodel/kernels
.venv/bin/python - <<'EOF'
import glob, finmodel.kernels as k
k.build_kernels(sorted(glob.glob("assumptions/examples/*.yaml")), deal_zones=[
    ("assumptions/examples/rooftop_pv_eaas.yaml", "contract.discount_to_grid:0.05:0.4:8", "cost_split.capex.host:0:0.5:6"),
    ("assumptions/examples/pv_eaas_merchant_tail.yaml", "contract.discount_to_grid:0.05:0.25:5",
     "contract.after_term.mechanism_price_cny_per_kwh:0.2:0.45:6"),
    ("assumptions/examples/fixed_price_pv_eaas.yaml", "contract.price.per_kwh:0.45:0.65:5", "contract.price.cap_per_kwh:0.58:0.70:4"),
])
EOF
