"""Opening the DuckDB file, applying the schema, and running write transactions."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

logger = logging.getLogger(__name__)

T = TypeVar("T")
WRITE_RETRIES = 5


class DatabaseInUse(RuntimeError):
    """Another process has the DuckDB file open for writing."""


def open_database(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the DuckDB file at `path` and apply the schema.

    Sessions must not share the returned connection across threads: each takes its own
    `cursor()`. Times are read back in UTC whatever the server's time zone.
    Raises DatabaseInUse when another process has the file open.
    """
    target = str(path)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseInUse(
                f"The database {target} is in use by another process (another app or an "
                "import). Stop that process, or point BUTTERFLY_DB (or --db) at another file, "
                "and try again."
            ) from None
        raise
    con.execute("SET TimeZone = 'UTC'")
    apply_schema(con)
    return con


def new_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Return a cursor of `con` for one thread or session, with times in UTC."""
    cursor = con.cursor()
    cursor.execute("SET TimeZone = 'UTC'")
    return cursor


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that does not exist yet, in one transaction.

    schema.sql contains the pack and review tables, and each other concern keeps its DDL in its
    own schema_<concern>.sql beside it, applied after schema.sql in name order.
    """
    folder = resources.files("store")
    names = ["schema.sql"] + sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.startswith("schema_") and entry.name.endswith(".sql")
    )
    with transaction(con):
        for name in names:
            for statement in _statements(folder.joinpath(name).read_text(encoding="utf-8")):
                con.execute(statement)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: commit at the end, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def write_with_retry(con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """Run `work` inside a transaction, retrying a few times when DuckDB reports a conflict.

    DuckDB uses optimistic concurrency, so when two cursors write the same rows at once one
    commit fails with a TransactionException. The work is then repeated from the start.
    """
    for attempt in range(1, WRITE_RETRIES + 1):
        try:
            with transaction(con):
                return work()
        except duckdb.TransactionException:
            if attempt == WRITE_RETRIES:
                raise
            logger.warning("write conflict, retrying (attempt %d of %d)", attempt, WRITE_RETRIES)
            time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _statements(ddl: str) -> list[str]:
    lines = [line for line in ddl.splitlines() if not line.lstrip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
