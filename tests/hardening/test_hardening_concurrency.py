"""Twenty sessions writing at once through one DuckDB connection, a cursor per session."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import store.db
from ingest.filestore import BlobStore
from ingest.loader import import_pack
from scoring.rubric import WEIGHTS
from store.db import WRITE_RETRIES, new_cursor, open_database, write_with_retry
from store.review import (
    load_review_state,
    record_critical_failure_call,
    record_decision,
    record_score,
)
from store.settings import ArchiveLimits
from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import (
    CLEAN_PACK_ID,
    CLEAN_ZIP,
    fresh_resources,
    write_pack_zip,
)

__all__ = ["fresh_resources"]

SESSIONS = 20
ROUNDS = 6
CATEGORIES = list(WEIGHTS)


@pytest.fixture
def connection(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Open a database holding the clean sample pack and one copy of it per session."""
    con = open_database(tmp_path / "review.duckdb")
    report = import_pack(con, CLEAN_ZIP, BlobStore(tmp_path / "store"), ArchiveLimits())
    assert report.status == "accepted"
    for session in range(SESSIONS):
        con.execute(
            "INSERT INTO packs SELECT * REPLACE (? AS pack_id) FROM packs WHERE pack_id = ?",
            [own_pack(session), CLEAN_PACK_ID],
        )
    yield con
    con.close()


def own_pack(session: int) -> str:
    return f"EP-SESSION-{session:02d}"


def run_session(
    con: duckdb.DuckDBPyConnection,
    session: int,
    start: threading.Barrier,
    sent: list[tuple],
    errors: list[BaseException],
) -> None:
    """Score, call and decide on the shared pack and on this session's own pack."""
    cursor = new_cursor(con)
    reviewer = f"Reviewer {session:02d}"
    mine = own_pack(session)
    try:
        start.wait()
        for round_number in range(ROUNDS):
            for pack_id in (CLEAN_PACK_ID, mine):
                category = CATEGORIES[(session + round_number) % len(CATEGORIES)]
                score = (session * 7 + round_number) % 101
                comment = f"s{session} r{round_number} {pack_id}"
                record_score(cursor, pack_id, category, score, comment, reviewer)
                sent.append(("score", pack_id, category, score, comment, reviewer))

                number = 1 + (session + round_number) % 4
                reason = f"reason s{session} r{round_number}"
                record_critical_failure_call(cursor, pack_id, number, "raise", reason, reviewer)
                sent.append(("call", pack_id, number, "raise", reason, reviewer))

                rationale = f"rationale s{session} r{round_number}"
                decision = record_decision(cursor, pack_id, "fail", rationale, reviewer)
                sent.append(("decision", pack_id, "fail", rationale, reviewer))
                assert decision.content_digest

            # This session is the only writer of its own pack, so it must read back exactly
            # what it wrote last: a half-written or lost write would show here.
            state = load_review_state(cursor, mine)
            assert state.decision is not None
            assert state.decision.rationale == f"rationale s{session} r{round_number}"
            assert state.scores[category].comment == f"s{session} r{round_number} {mine}"
    except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
        errors.append(exc)
    finally:
        cursor.close()


def stored_history(con: duckdb.DuckDBPyConnection) -> Counter:
    rows: list[tuple] = []
    for row in con.execute(
        "SELECT pack_id, category, CAST(score AS INTEGER), comment, reviewer FROM score_events"
    ).fetchall():
        rows.append(("score", *row))
    for row in con.execute(
        "SELECT pack_id, critical_failure, action, reason, reviewer FROM critical_failure_events"
    ).fetchall():
        rows.append(("call", *row))
    for row in con.execute(
        "SELECT pack_id, decision, rationale, reviewer FROM decision_events"
    ).fetchall():
        rows.append(("decision", *row))
    return Counter(rows)


def test_twenty_sessions_lose_no_write(connection: duckdb.DuckDBPyConnection):
    start = threading.Barrier(SESSIONS)
    sent: list[tuple] = []
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=run_session, args=(connection, n, start, sent, errors))
        for n in range(SESSIONS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(sent) == SESSIONS * ROUNDS * 2 * 3
    assert stored_history(connection) == Counter(sent)
    event_ids = connection.execute(
        "SELECT event_id FROM score_events UNION ALL SELECT event_id FROM decision_events "
        "UNION ALL SELECT event_id FROM critical_failure_events"
    ).fetchall()
    assert len(event_ids) == len({row[0] for row in event_ids})


def test_write_conflict_class_pinned(tmp_path: Path):
    # DuckDB 2.0.1 reports a write-write conflict between two cursors of one connection as
    # duckdb.TransactionException ("Conflict on update"), which write_with_retry retries.
    con = open_database(tmp_path / "conflict.duckdb")
    con.execute("CREATE TABLE counter (k INTEGER PRIMARY KEY, v INTEGER)")
    con.execute("INSERT INTO counter VALUES (1, 0)")
    first, second = new_cursor(con), new_cursor(con)
    first.execute("BEGIN TRANSACTION")
    second.execute("BEGIN TRANSACTION")
    first.execute("UPDATE counter SET v = 1 WHERE k = 1")
    try:
        with pytest.raises(duckdb.TransactionException, match="Conflict"):
            second.execute("UPDATE counter SET v = 2 WHERE k = 1")
    finally:
        second.execute("ROLLBACK")
        first.execute("COMMIT")
        con.close()


def test_write_with_retry_retries_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    con = open_database(tmp_path / "retry.duckdb")
    con.execute("CREATE TABLE counter (k INTEGER PRIMARY KEY, v INTEGER)")
    con.execute("INSERT INTO counter VALUES (1, 0)")
    holder, writer = new_cursor(con), new_cursor(con)
    holder.execute("BEGIN TRANSACTION")
    holder.execute("UPDATE counter SET v = 1 WHERE k = 1")
    attempts: list[int] = []
    waits: list[float] = []

    def release_holder(seconds: float) -> None:
        # The back-off between attempts is where the other session gets to commit.
        waits.append(seconds)
        if len(waits) == 1:
            holder.execute("COMMIT")

    def work() -> None:
        attempts.append(len(attempts) + 1)
        writer.execute("UPDATE counter SET v = v + 10 WHERE k = 1")

    monkeypatch.setattr(store.db.time, "sleep", release_holder)
    try:
        write_with_retry(writer, work)
        value = con.execute("SELECT v FROM counter").fetchone()[0]
    finally:
        con.close()

    assert attempts == [1, 2]
    assert len(waits) == 1
    assert value == 11


def test_write_with_retry_gives_up(monkeypatch: pytest.MonkeyPatch):
    con = open_database(":memory:")
    calls: list[int] = []
    monkeypatch.setattr(store.db.time, "sleep", lambda _seconds: None)

    def always_conflicts() -> None:
        calls.append(1)
        raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")

    try:
        with pytest.raises(duckdb.TransactionException):
            write_with_retry(con, always_conflicts)
    finally:
        con.close()

    assert len(calls) == WRITE_RETRIES


def test_concurrent_app_sessions(demo_env: Path, fresh_resources: None):
    """Several AppTest sessions in threads save scores on one demo pack at once."""
    sessions = 4
    errors: list[BaseException] = []
    results: list[AppTest] = []
    start = threading.Barrier(sessions)

    def review(session: int) -> None:
        try:
            app = AppTest.from_file(str(REPO_ROOT / "pages/2_Review.py"), default_timeout=120)
            app.query_params["pack"] = "EP-DEMO-0501"
            app.run()
            for category in CATEGORIES:
                app.slider(key=f"review_score_{category}::EP-DEMO-0501").set_value(60 + session)
                app.text_input(key=f"review_comment_{category}::EP-DEMO-0501").input(
                    f"session {session}"
                )
            start.wait()
            app.button(key="review_save_scores").click()
            app.run()
            results.append(app)
        except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=review, args=(n,)) for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert len(results) == sessions
    for app in results:
        assert not app.exception
        assert not app.error
        assert any("Saved 5 change" in element.value for element in app.success)
    con = open_database(demo_env)
    try:
        comments = Counter(
            row[0]
            for row in con.execute(
                "SELECT comment FROM score_events WHERE pack_id = 'EP-DEMO-0501' "
                "AND comment LIKE 'session %'"
            ).fetchall()
        )
    finally:
        con.close()
    assert comments == Counter({f"session {n}": len(CATEGORIES) for n in range(sessions)})


def test_bad_upload_leaves_others_working(connection: duckdb.DuckDBPyConnection, tmp_path: Path):
    """One session loads a zip bomb while others score; the scores all land, none fails."""
    # NOTE: this drives the store directly. Running different pages in AppTest instances on
    # several threads at once made Streamlit 1.67 lose the form context ("multiple elements
    # with the same key 'FormSubmitter:-Record call'"), which a served app does not do.
    bomb = tmp_path / "bomb.zip"
    write_pack_zip(bomb, [("okta/zeros.bin", bytes(20 * 1024 * 1024))])
    scorers = 4
    start = threading.Barrier(scorers + 1)
    reports: list[object] = []
    errors: list[BaseException] = []

    def upload() -> None:
        cursor = new_cursor(connection)
        try:
            start.wait()
            reports.append(import_pack(cursor, bomb, BlobStore(tmp_path / "s"), ArchiveLimits()))
        except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)
        finally:
            cursor.close()

    def score(session: int) -> None:
        cursor = new_cursor(connection)
        try:
            start.wait()
            for category in CATEGORIES:
                record_score(cursor, own_pack(session), category, 50, "during bomb", "R")
        except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)
        finally:
            cursor.close()

    threads = [threading.Thread(target=upload)]
    threads += [threading.Thread(target=score, args=(n,)) for n in range(scorers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    stored = connection.execute(
        "SELECT count(*) FROM score_events WHERE comment = 'during bomb'"
    ).fetchone()[0]

    assert errors == []
    assert [report.status for report in reports] == ["rejected"]
    assert stored == scorers * len(CATEGORIES)
