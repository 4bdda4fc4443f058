"""AppTest runs of each page against a copy of the demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT

TIMEOUT = 60


def run_page(path: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / path), default_timeout=TIMEOUT)
    app.run()
    return app


@pytest.mark.parametrize(
    "page", ["app.py", "pages/1_Upload.py", "pages/2_Review.py", "pages/3_Checks.py"]
)
def test_page_runs_without_error(page: str, demo_env: Path):
    app = run_page(page)
    assert not app.exception


def test_home_lists_demo_packs(demo_env: Path):
    app = run_page("app.py")
    table = app.dataframe[0].value
    assert "EP-DEMO-0101" in set(table["pack_id"])


def test_review_shows_pack_header(demo_env: Path):
    app = AppTest.from_file(str(REPO_ROOT / "pages/2_Review.py"), default_timeout=TIMEOUT)
    app.query_params["pack"] = "EP-DEMO-0301"
    app.run()
    assert app.selectbox(key="review_select").value == "EP-DEMO-0301"
    assert any("Harbor Resilience Group" in s.value for s in app.subheader)


def test_review_refuses_pass_below_85(demo_env: Path):
    app = AppTest.from_file(str(REPO_ROOT / "pages/2_Review.py"), default_timeout=TIMEOUT)
    app.query_params["pack"] = "EP-DEMO-0501"
    app.run()
    for category in ("Recoverability", "Safety", "Evidence", "Communication", "Claims"):
        app.slider(key=f"review_score_{category}::EP-DEMO-0501").set_value(80)
    app.button(key="review_save_scores").click()
    app.run()
    assert any("80.00" in m.value for m in app.metric)
    app.radio(key="review_decision::EP-DEMO-0501").set_value("pass")
    app.text_area(key="review_rationale::EP-DEMO-0501").input("Looks fine")
    submit = app.button(key="review_record_decision")
    submit.click()
    app.run()
    errors = " ".join(e.value for e in app.error)
    assert "below the pass mark of 85" in errors


def test_review_records_passing_decision(demo_env: Path):
    app = AppTest.from_file(str(REPO_ROOT / "pages/2_Review.py"), default_timeout=TIMEOUT)
    app.query_params["pack"] = "EP-DEMO-0501"
    app.run()
    for category in ("Recoverability", "Safety", "Evidence", "Communication", "Claims"):
        app.slider(key=f"review_score_{category}::EP-DEMO-0501").set_value(90)
    app.button(key="review_save_scores").click()
    app.run()
    app.radio(key="review_decision::EP-DEMO-0501").set_value("pass")
    app.text_area(key="review_rationale::EP-DEMO-0501").input("Complete evidence")
    app.button(key="review_record_decision").click()
    app.run()
    assert not app.error
    reloaded = AppTest.from_file(str(REPO_ROOT / "pages/2_Review.py"), default_timeout=TIMEOUT)
    reloaded.query_params["pack"] = "EP-DEMO-0501"
    reloaded.run()
    assert any("Current decision: PASS" in i.value for i in reloaded.info)


def test_checks_page_lists_catalogue(demo_env: Path):
    app = run_page("pages/3_Checks.py")
    table = app.dataframe[0].value
    assert "track.required" in set(table["id"])
