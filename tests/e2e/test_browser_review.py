"""End to end in headless Chromium: upload a sample zip, score, decide, reload, see it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import REPO_ROOT, SAMPLE_PACKS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed"),
]
# Flags that keep Chromium from reaching out to the network at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = dict(os.environ, BUTTERFLY_DB=str(tmp_path / "e2e.duckdb"))
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not answer on its health endpoint within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_upload_score_decide_reload(app_url: str, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)

        page.goto(f"{app_url}/Upload")
        page.locator("input[type=file]").set_input_files(
            str(SAMPLE_PACKS / "clean-implementation-specialist.zip")
        )
        expect(page.get_by_text("Pack EP-2026-9964 is stored")).to_be_visible()
        page.get_by_role("button", name="Review this pack").click()

        expect(page.get_by_text("Partner Two Consulting").first).to_be_visible()
        page.get_by_role("tab", name="Rubric and decision").click()
        sliders = page.get_by_role("slider")
        expect(sliders).to_have_count(5)
        for index in range(5):
            sliders.nth(index).focus()
            sliders.nth(index).press("End")  # 100
            sliders.nth(index).press("ArrowLeft")  # 99
        page.get_by_role("button", name="Save scores").click()
        expect(page.get_by_test_id("stMetricValue")).to_have_text("99.00")

        page.get_by_text("pass", exact=True).click()
        page.get_by_label("Rationale").fill("Complete, consistent evidence.")
        page.get_by_role("button", name="Record decision").click()
        expect(page.get_by_text("Decision 'pass' recorded")).to_be_visible()

        page.reload()
        page.get_by_role("tab", name="Rubric and decision").click()
        expect(page.get_by_text("Current decision: PASS")).to_be_visible()
        expect(page.get_by_text("Complete, consistent evidence.").first).to_be_visible()
        expect(page.get_by_role("slider").first).to_have_value("99")

        # Switching packs must show the other pack's stored scores, not this pack's sliders.
        page.get_by_role("combobox", name="Pack").click()
        page.keyboard.type("EP-DEMO-0301")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Harbor Resilience Group (P-003)")).to_be_visible()
        rubric_tab = page.get_by_role("tab", name="Rubric and decision")
        expect(rubric_tab).to_have_count(1)
        rubric_tab.click()
        expect(page.get_by_role("slider").first).to_have_value("80")
        expect(page.get_by_role("slider").nth(1)).to_have_value("40")

        page.get_by_role("combobox", name="Pack").click()
        page.keyboard.type("EP-2026-9964")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Partner Two Consulting (P-002)")).to_be_visible()
        reports_tab = page.get_by_role("tab", name="Reports")
        expect(reports_tab).to_have_count(1)
        reports_tab.click()
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download PDF").click()
        report_path = tmp_path / "report.pdf"
        download_info.value.save_as(report_path)
        browser.close()

    text = "\n".join(pdf_page.extract_text() for pdf_page in PdfReader(report_path).pages)
    assert "EP-2026-9964" in text
    assert "Decision: PASS" in text
