"""The Review page's report panel, driven with Streamlit's AppTest."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from store.db import open_database
from tests.reports.conftest import LATE, PACK_IDS, ReviewDatabase, decide_clean_pass


def panel_script(db_path: str, store_dir: str, pack_id: str, reviewer: str) -> None:
    from pathlib import Path

    import streamlit as st

    from store.db import open_database
    from ui.reports_panel import render_report_downloads

    if "test_con" not in st.session_state:
        st.session_state["test_con"] = open_database(db_path)
    render_report_downloads(st.session_state["test_con"], pack_id, reviewer, Path(store_dir))


def run_panel(db: ReviewDatabase, pack_id: str, reviewer: str = "Avery Chen") -> AppTest:
    db.con.close()
    app = AppTest.from_function(
        panel_script,
        kwargs={
            "db_path": str(db.db_path),
            "store_dir": str(db.store_dir),
            "pack_id": pack_id,
            "reviewer": reviewer,
        },
        default_timeout=60,
    )
    return app.run()


def plain(markdown: str) -> str:
    """Undo the backslash escapes the panel adds before pack text reaches markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def download_buttons(app: AppTest) -> list:
    return list(app.get("download_button"))


def test_decided_pack_offers_three_downloads(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    app = run_panel(review_db, pack_id)

    assert not app.exception
    assert "Decision current" in app.success[0].value
    assert [b.label for b in download_buttons(app)] == [
        "Download PDF",
        "Download JSON",
        "Download CSV",
    ]


def test_undecided_pack_is_marked(review_db: ReviewDatabase):
    app = run_panel(review_db, PACK_IDS[LATE])
    assert "Not decided" in app.warning[0].value


def test_stale_pack_is_marked(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    review_db.store_dir = tmp_path / "wrong-store"
    app = run_panel(review_db, pack_id)
    assert "Decision STALE" in app.error[0].value


def test_download_records_export(review_db: ReviewDatabase, tmp_path: Path):
    pack_id = decide_clean_pass(review_db.con)
    app = run_panel(review_db, pack_id, "Morgan Patel")
    shown_digest = app.caption[0].value.split("`")[1]
    download_buttons(app)[1].click().run()

    app.session_state["test_con"].close()
    con = open_database(review_db.db_path)
    rows = con.execute(
        "SELECT pack_id, report_kind, audience, report_digest, exported_by FROM export_events"
    ).fetchall()
    con.close()
    assert rows == [(pack_id, "decision-json", "internal", shown_digest, "Morgan Patel")]


def test_partner_audience_choice(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    app = run_panel(review_db, pack_id)
    app.radio(key=f"reports_audience_{pack_id}").set_value("partner").run()
    assert not app.exception
    assert download_buttons(app)[0].label == "Download PDF"


def test_unknown_pack_shows_error(review_db: ReviewDatabase):
    app = run_panel(review_db, "EP-0000-0000")
    assert "EP-0000-0000" in plain(app.error[0].value)
    assert download_buttons(app) == []


def test_no_reviewer_disables_downloads(review_db: ReviewDatabase):
    pack_id = decide_clean_pass(review_db.con)
    app = run_panel(review_db, pack_id, reviewer="")
    assert all(b.proto.disabled for b in download_buttons(app))
    assert "reviewer roster" in app.info[0].value


def cohort_script(db_path: str, reviewer: str) -> None:
    import streamlit as st

    from store.db import open_database
    from ui.reports_panel import render_cohort_downloads

    if "test_con" not in st.session_state:
        st.session_state["test_con"] = open_database(db_path)
    render_cohort_downloads(st.session_state["test_con"], reviewer)


def test_cohort_download_records_export(review_db: ReviewDatabase):
    review_db.con.close()
    app = AppTest.from_function(
        cohort_script,
        kwargs={"db_path": str(review_db.db_path), "reviewer": "Riley Santos"},
        default_timeout=60,
    ).run()
    assert [b.label for b in download_buttons(app)] == [
        "Download cohort PDF",
        "Download cohort CSV",
    ]
    download_buttons(app)[1].click().run()

    app.session_state["test_con"].close()
    con = open_database(review_db.db_path)
    rows = con.execute("SELECT pack_id, report_kind, exported_by FROM export_events").fetchall()
    con.close()
    assert rows == [(None, "cohort-csv", "Riley Santos")]
