"""Domain packages stay free of Streamlit, so they can be used and tested without the app."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

DOMAIN_PACKAGES = ["scoring", "ingest", "checks", "store", "reports", "cohort", "cli"]


def domain_modules() -> list[str]:
    modules = []
    for package in DOMAIN_PACKAGES:
        folder = REPO_ROOT / package
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(REPO_ROOT).with_suffix("").parts
            modules.append(".".join(p for p in parts if p != "__init__"))
    return modules


@pytest.mark.parametrize("module", domain_modules())
def test_module_does_not_import_streamlit(module: str):
    code = f"import sys, {module}; sys.exit('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
