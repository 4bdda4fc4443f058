"""Communication: the handoff summary has the parts a customer needs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.findings import Finding
from checks.registry import Check, PackContext, register

CASELESS = re.IGNORECASE

SELECT_HANDOFFS = """
    SELECT a.path, d.readable, d.text FROM artifacts a
    LEFT JOIN documents d ON d.pack_id = a.pack_id AND d.artifact_path = a.path
    WHERE a.pack_id = ? AND a.listed AND a.present AND a.kind = 'handoff-summary'
    ORDER BY a.position
"""
HANDOFF_SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "executive summary",
        re.compile(
            r"\bexecutive\s+summary\b|\bmanagement\s+summary\b|\bsummary\s+for\s+", CASELESS
        ),
    ),
    (
        "operator notes",
        re.compile(
            r"\boperators?'?s?'?\s+notes?\b|\bnotes?\s+(?:from|for)\s+(?:the\s+)?operator", CASELESS
        ),
    ),
    (
        "remediation backlog",
        re.compile(r"\bremediation\s+(?:backlog|plan|items)\b|\bbacklog\b", CASELESS),
    ),
)


@register(
    "communication.handoff",
    "Handoff summary complete",
    "The handoff summary has an executive summary, operator notes and a remediation backlog.",
    category="Communication",
    severity="minor",
    group="Communication",
)
def handoff_sections(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for path, readable, text in ctx.rows(SELECT_HANDOFFS, [ctx.pack_id]):
        if not readable or not str(text or "").strip():
            yield check.finding(
                f"{path} could not be read, so its sections could not be checked.",
                str(path),
                None,
                expected="executive summary, operator notes, remediation backlog",
                found="unreadable",
            )
            continue
        for label, pattern in HANDOFF_SECTIONS:
            if not pattern.search(str(text)):
                yield check.finding(
                    f"{path} has no {label} section (no heading or text naming it); add one so "
                    "the customer can find it.",
                    str(path),
                    None,
                    expected=label,
                    found="no such section",
                )
