"""The process-wide database connection, a cursor per session, and the reviewer picker.

DuckDB connections are not thread-safe and Streamlit runs each session in its own thread,
so the app opens one connection per process and gives every session its own cursor.
"""

from __future__ import annotations

import duckdb
import streamlit as st

from store.db import DatabaseInUse, new_cursor, open_database
from store.seed import seed_demo_if_empty
from store.settings import Settings, load_settings
from ui.text import escape_markdown

CURSOR_KEY = "app_cursor"
REVIEWER_KEY = "reviewer"


def get_settings() -> Settings:
    """Return the settings from the environment (read on each call: it is cheap)."""
    return load_settings()


@st.cache_resource(show_spinner="Opening the database")
def _connection(db_path: str) -> duckdb.DuckDBPyConnection:
    settings = get_settings()
    con = open_database(db_path)
    if settings.seed_demo:
        seed_demo_if_empty(con, settings)
    return con


def get_cursor() -> duckdb.DuckDBPyConnection:
    """Return this session's cursor; stop the page with a plain message if the file is locked."""
    if CURSOR_KEY not in st.session_state:
        try:
            con = _connection(str(get_settings().db_path))
        except DatabaseInUse as exc:
            st.error(escape_markdown(exc))
            st.stop()
        st.session_state[CURSOR_KEY] = new_cursor(con)
    return st.session_state[CURSOR_KEY]


def upload_limit_mb() -> int:
    """Return the largest upload in MB: BUTTERFLY_MAX_PACK_MB, or server.maxUploadSize if lower.

    Streamlit's server rejects a request body over server.maxUploadSize whatever the widget
    allows, so the upload widget is given the lower of the two limits.
    """
    pack_mb = get_settings().limits.max_total_bytes // (1024 * 1024)
    server_mb = int(st.get_option("server.maxUploadSize"))
    return min(pack_mb, server_mb)


def current_reviewer() -> str:
    """Return the reviewer picked in the sidebar (the first on the roster by default)."""
    return st.session_state.get(REVIEWER_KEY) or get_settings().reviewers[0]


def reviewer_picker() -> str:
    """Draw the reviewer roster in the sidebar and return the name picked."""
    roster = list(get_settings().reviewers)
    if st.session_state.get(REVIEWER_KEY) not in roster:
        st.session_state[REVIEWER_KEY] = roster[0]
    # Streamlit drops a widget's state when a page without it runs, so the choice is
    # kept under a plain session key and the widget only mirrors it.
    st.sidebar.selectbox(
        "Reviewer",
        roster,
        index=roster.index(st.session_state[REVIEWER_KEY]),
        key="sidebar_reviewer",
        on_change=lambda: st.session_state.update(
            {REVIEWER_KEY: st.session_state["sidebar_reviewer"]}
        ),
        help="Until sign-in exists, every score, call and decision records this name.",
    )
    return current_reviewer()
