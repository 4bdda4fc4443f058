"""Weighted rubric arithmetic and the pass rule, in exact decimal arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

RUBRIC_VERSION = "2026-11 v1"
PASS_THRESHOLD = Decimal(85)

# Category name -> weight in percent; the weights add up to 100.
WEIGHTS: dict[str, int] = {
    "Recoverability": 40,
    "Safety": 20,
    "Evidence": 20,
    "Communication": 10,
    "Claims": 10,
}
CATEGORY_HELP: dict[str, str] = {
    "Recoverability": "backup coverage, restore-preview accuracy, fixture completeness, rollback",
    "Safety": "least privilege, no customer data, mutation boundaries, written change control",
    "Evidence": "artifacts timestamped, replayable, internally consistent, tied to the scope",
    "Communication": "executive summary, operator notes, remediation backlog, handoff clarity",
    "Claims": "accurate Butterfly, Okta, certification and partner-status language",
}
CRITICAL_FAILURES: dict[int, str] = {
    1: "Production customer data or a customer tenant used for the lab",
    2: "Destructive restore or admin-role change executed without written approval",
    3: "Backup, restore-preview, SSO or SCIM evidence missing where the track requires it",
    4: "Claim of Okta endorsement, reseller status or Butterfly certification before approval",
}
DECISIONS = ("pass", "fail", "resubmission requested")


class ScoreError(ValueError):
    """A score is missing or outside 0-100."""


@dataclass(frozen=True)
class CategoryLine:
    """One category's part of the total: score x weight / 100 = points."""

    category: str
    score: Decimal
    weight: int
    points: Decimal


@dataclass(frozen=True)
class WeightedTotal:
    """The weighted total with the per-category arithmetic behind it."""

    lines: tuple[CategoryLine, ...]
    total: Decimal

    def display_total(self) -> str:
        """Format the total with two decimals, rounded half up (84.995 shows as 85.00)."""
        return str(self.total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def arithmetic(self) -> str:
        """Write out the sum, e.g. '40% x 90 + 20% x 80 + ... = 86.00'."""
        terms = " + ".join(f"{line.weight}% x {_plain(line.score)}" for line in self.lines)
        return f"{terms} = {self.display_total()}"


def weighted_total(scores: Mapping[str, float | int | Decimal]) -> WeightedTotal:
    """Compute the weighted total of five category scores (each 0-100).

    Raises ScoreError naming the category when a score is missing or out of range.
    """
    lines = []
    for category, weight in WEIGHTS.items():
        if category not in scores:
            raise ScoreError(f"no score for {category}; score every category before deciding")
        score = Decimal(str(scores[category]))
        if not Decimal(0) <= score <= Decimal(100):
            raise ScoreError(f"score for {category} is {score}; it must be between 0 and 100")
        lines.append(CategoryLine(category, score, weight, score * weight / 100))
    return WeightedTotal(tuple(lines), sum((line.points for line in lines), Decimal(0)))


@dataclass(frozen=True)
class PassCheck:
    """Whether a pack may pass, and every reason it may not."""

    allowed: bool
    reasons: tuple[str, ...]


def check_pass(total: WeightedTotal, confirmed_critical_failures: list[int]) -> PassCheck:
    """Apply the pass rule: a total of 85 or more and zero confirmed critical failures.

    The unrounded total is compared, so 84.99 fails even though it is close to 85.
    """
    reasons = []
    if total.total < PASS_THRESHOLD:
        reasons.append(f"the weighted total is {total.display_total()}, below the pass mark of 85")
    for number in sorted(set(confirmed_critical_failures)):
        reasons.append(
            f"critical failure {number} is confirmed ({CRITICAL_FAILURES[number].lower()})"
        )
    return PassCheck(allowed=not reasons, reasons=tuple(reasons))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
