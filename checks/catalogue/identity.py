"""Identity: the partner and operators named in the manifest match the cohort's records."""

from __future__ import annotations

from collections.abc import Iterator

from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import MANIFEST_NAME

SELECT_ORG = "SELECT name FROM cohort_orgs WHERE partner_id = ?"
COUNT_ORGS = "SELECT count(*) FROM cohort_orgs"
SELECT_OPERATOR = "SELECT partner_id, name FROM cohort_operators WHERE operator_id = ?"


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.casefold().split()) == " ".join(second.casefold().split())


@register(
    "identity.cohort",
    "Partner and operators match the cohort",
    "The manifest's partner id and name, and each operator id, agree with the cohort's intake "
    "records, so the pack counts for the right firm and people. With no cohort recorded "
    "(a `check` run) there is nothing to compare.",
    category="Evidence",
    severity="major",
    group="Integrity",
)
def cohort_identity(ctx: PackContext, check: Check) -> Iterator[Finding]:
    (orgs,) = ctx.rows(COUNT_ORGS)[0]
    if not orgs:
        return
    partner = ctx.manifest.partner
    recorded = ctx.rows(SELECT_ORG, [partner.partner_id])
    if not recorded:
        yield check.finding(
            f"Partner {partner.partner_id} ({partner.name}) is not in the cohort; record its "
            "intake first, or correct partner.partner_id.",
            MANIFEST_NAME,
            "partner.partner_id",
            expected="a partner id from the cohort",
            found=partner.partner_id,
        )
        return
    (recorded_name,) = recorded[0]
    if not _same_name(str(recorded_name), partner.name):
        yield check.finding(
            f"partner.name is {partner.name!r}, but the cohort records {partner.partner_id} as "
            f"{recorded_name!r}; the pack may belong to another firm.",
            MANIFEST_NAME,
            "partner.name",
            expected=str(recorded_name),
            found=partner.name,
        )
    for index, operator in enumerate(ctx.manifest.operators):
        rows = ctx.rows(SELECT_OPERATOR, [operator.operator_id])
        if not rows:
            yield check.finding(
                f"Operator {operator.operator_id} ({operator.name}) is not in the cohort.",
                MANIFEST_NAME,
                f"operators[{index}].operator_id",
                severity="minor",
                expected="an operator id from the cohort",
                found=operator.operator_id,
            )
            continue
        partner_id, name = rows[0]
        if partner_id != partner.partner_id or not _same_name(str(name), operator.name):
            yield check.finding(
                f"Operator {operator.operator_id} is recorded in the cohort as {name!r} of "
                f"{partner_id}, but the manifest names {operator.name!r} of "
                f"{partner.partner_id}.",
                MANIFEST_NAME,
                f"operators[{index}]",
                expected=f"{name} ({partner_id})",
                found=f"{operator.name} ({partner.partner_id})",
            )
