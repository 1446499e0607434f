"""Shared test helpers."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "assumptions" / "examples").glob("*.yaml"))


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalc(files: list[Path], out_dir: Path) -> list[Path]:
    """Recalculate workbooks with LibreOffice headless (one start for all files)."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed (setup.sh installs libreoffice-calc-nogui)")
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                        "--outdir", str(out_dir), *map(str, files)], check=True, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return [out_dir / f.name for f in files]
