"""The cohort package stays free of streamlit, so it runs outside the app."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = [
    "cohort.actions",
    "cohort.charts",
    "cohort.history",
    "cohort.intake",
    "cohort.overview",
    "cohort.rules",
    "cohort.seed",
    "cohort.snapshot",
    "cohort.status",
]


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_without_streamlit(module: str):
    code = f"import sys, {module}; sys.exit('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
