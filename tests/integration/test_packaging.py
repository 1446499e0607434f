"""The built wheel carries the templates and the libraries, and runs outside the checkout."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

BUILD_INPUTS = ["pyproject.toml", "setup.py", "README.md", "LICENSE", "finmodel", "templates", "assumptions"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout (so the build leaves nothing in it)."""
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(src)],
                   check=True, capture_output=True, timeout=600)
    (built,) = dist.glob("finmodel-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_templates_libraries_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "finmodel/templates": ROOT / "templates",
        "finmodel/assumptions": ROOT / "assumptions",
    }
    for inside, folder in shipped.items():
        for f in folder.rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                assert f"{inside}/{f.relative_to(folder).as_posix()}" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: Apache-2.0" in zipfile.ZipFile(wheel).read(metadata).decode()


@pytest.mark.slow
def test_installed_wheel_appraises_a_case_in_another_folder(wheel, tmp_path):
    """Installed without the checkout on the path, ``finmodel appraise`` finds its templates and
    libraries inside the package and writes the JSON, the workbook and the PDF."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml", work / "my_case.yaml")
    env = {**os.environ, "PYTHONPATH": str(site)}  # before the venv's editable install of the checkout
    where = subprocess.run([sys.executable, "-c", "import finmodel.resources as r; "
                            "print(r.TEMPLATES_DIR); print(r.ASSUMPTIONS_DIR)"],
                           cwd=work, env=env, check=True, capture_output=True, text=True).stdout.split()
    assert where == [str(site / "finmodel" / "templates"), str(site / "finmodel" / "assumptions")]
    proc = subprocess.run([sys.executable, "-m", "finmodel", "appraise", "my_case.yaml", "--out", "results",
                           "--lang", "en"], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((work / "results" / "my_case.json").read_text(encoding="utf-8"))
    assert doc["deterministic"]["project"]["npv"] is not None
    for name in ("my_case.xlsx", "my_case.pdf"):
        assert (work / "results" / name).stat().st_size > 10_000
