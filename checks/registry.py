"""The check registry: each check is a small function over a loaded pack.

A check is registered with `@register(...)` and receives a PackContext. It returns its
findings and only reads, so the loader runs the catalogue after the pack's commit, outside
any transaction, and then stores what the checks returned as one check run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from checks.findings import Category, Finding, Severity, sort_findings
from ingest.manifest import Manifest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackContext:
    """The input of a check: the manifest, the pack's files and the loaded tables."""

    con: duckdb.DuckDBPyConnection
    pack_id: str
    manifest: Manifest
    files: dict[str, Path]
    ignored: tuple[str, ...] = ()
    received_at: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def rows(self, sql: str, params: Iterable[object] = ()) -> list[tuple[object, ...]]:
        """Run a read-only query with bound parameters and return all rows."""
        return self.con.execute(sql, list(params)).fetchall()


CheckFunction = Callable[[PackContext], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered check, with the title and explanation shown to reviewers."""

    id: str
    title: str
    explanation: str
    category: Category
    severity: Severity
    critical_failure: int | None
    function: CheckFunction
    group: str

    def finding(
        self,
        message: str,
        artifact: str | None = None,
        field: str | None = None,
        *,
        severity: Severity | None = None,
        critical_failure: int | None = None,
        expected: str | None = None,
        found: str | None = None,
        suggest: bool = True,
    ) -> Finding:
        """Build a finding of this check; `suggest=False` drops its critical failure."""
        return Finding(
            check=self.id,
            severity=severity or self.severity,
            category=self.category,
            artifact=artifact,
            field=field,
            message=message,
            critical_failure=(critical_failure or self.critical_failure) if suggest else None,
            expected=expected,
            found=found,
        )


CATALOGUE: dict[str, Check] = {}


def register(
    id: str,
    title: str,
    explanation: str,
    category: Category,
    severity: Severity,
    critical_failure: int | None = None,
    group: str = "Integrity",
) -> Callable[[Callable[[PackContext, Check], Iterable[Finding]]], Check]:
    """Register a check function under `id`; the function gets the context and its own Check."""

    def wrap(function: Callable[[PackContext, Check], Iterable[Finding]]) -> Check:
        if id in CATALOGUE:
            raise ValueError(f"check id {id} is registered twice")
        holder: dict[str, Check] = {}
        check = Check(
            id=id,
            title=title,
            explanation=explanation,
            category=category,
            severity=severity,
            critical_failure=critical_failure,
            function=lambda ctx: function(ctx, holder["check"]),
            group=group,
        )
        holder["check"] = check
        CATALOGUE[id] = check
        return check

    return wrap


def load_catalogue() -> dict[str, Check]:
    """Import every check module so the catalogue is complete, and return it."""
    from checks import catalogue  # noqa: F401  (registers the checks on import)

    return CATALOGUE


def run_checks(ctx: PackContext) -> list[Finding]:
    """Run every registered check on a loaded pack and return the findings, sorted.

    A check that fails with an exception is reported as a finding of its own, so one broken
    check never hides the others' findings or lets a pack look clean.
    """
    findings: list[Finding] = []
    for check in load_catalogue().values():
        try:
            findings.extend(check.function(ctx))
        except Exception as exc:  # noqa: BLE001  (reported as a finding, never swallowed)
            logger.exception("check %s failed on pack %s", check.id, ctx.pack_id)
            findings.append(
                Finding(
                    check=check.id,
                    severity="major",
                    category=check.category,
                    message=(
                        f"The check '{check.title}' could not run ({type(exc).__name__}: {exc}); "
                        "review this area by hand."
                    ),
                )
            )
    return sort_findings(findings)
