"""The finding: one thing a check or the loader found wrong, odd or notable in a pack."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["critical", "major", "minor", "info"]
Category = Literal["Recoverability", "Safety", "Evidence", "Communication", "Claims"]

SEVERITY_ORDER: dict[str, int] = {"critical": 0, "major": 1, "minor": 2, "info": 3}


class Finding(BaseModel):
    """One reported problem, tied to an artifact path and a field where there is one."""

    model_config = ConfigDict(frozen=True)

    check: str
    severity: Severity
    message: str
    artifact: str | None = None
    field: str | None = None
    critical_failure: int | None = Field(default=None, ge=1, le=4)
    category: Category = "Evidence"
    expected: str | None = None
    found: str | None = None

    def public_dict(self) -> dict[str, object]:
        """Return the fields that `butterfly-review check --json` prints for a finding."""
        return {
            "check": self.check,
            "severity": self.severity,
            "artifact": self.artifact,
            "field": self.field,
            "message": self.message,
            "critical_failure": self.critical_failure,
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort findings by severity, then artifact, then check id."""
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], f.artifact or "", f.check, f.field or ""),
    )
