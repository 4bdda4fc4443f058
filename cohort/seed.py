"""The demo founding cohort, recorded through the same actions the pages use.

seed_cohort runs after the demo packs are imported and reviewed (store.seed calls it), and
builds on them: the intake rows come from store.seed.DEMO_PARTNERS, so operator and partner
ids match the packs. store.seed imports this module only inside a function, so the import
of store.seed here makes no cycle. Stages that follow from decisions (prove, supervise) are
not seeded: they come from the demo decisions. The result shows every stage, a suspended
credential with its reason, and Northwind Identity Partners as Delivery Partner but not
Managed Resilience Partner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

import duckdb

from cohort import actions, queries
from cohort.errors import CohortError
from cohort.intake import IntakeApplication, OperatorApplication, submit_intake
from cohort.snapshot import utc_now
from store.seed import DEMO_PARTNERS, DemoPartner

logger = logging.getLogger(__name__)

LEAD = "Morgan Patel"
TARGET_CUSTOMERS = {
    "referral": "Mid-market SaaS companies on Okta Workforce Identity",
    "delivery": "Regulated mid-market firms (finance, health) with 1,000-10,000 Okta users",
    "managed-service": "Existing managed-service customers running Okta as their main IdP",
}
# Operators whose training the demo lead has recorded as complete.
TRAINED = ("OP-101", "OP-102", "OP-111", "OP-112", "OP-121", "OP-131", "OP-132", "OP-141")
# (operator_id, level) issued once the demo decisions meet their prerequisites.
ISSUED = (
    ("OP-101", "operator"),
    ("OP-101", "implementation-specialist"),
    ("OP-102", "operator"),
    ("OP-131", "operator"),
    ("OP-132", "operator"),
)
# A sixth applicant, recorded on the waitlist because the five places are taken.
WAITLISTED = IntakeApplication(
    organisation="Lantern Identity Works",
    partner_id="P-006",
    motion="delivery",
    target_customers="Public-sector agencies moving to Okta",
    pilot_context="Readiness pilot with a county IT department's Okta preview tenant",
    operators=[
        OperatorApplication(
            name="Rosa Delgado",
            email="rosa@lantern.example",
            okta_iam_years=6,
            experience_notes="Okta admin for six years; SCIM provisioning to HR systems",
            requested_track="recovery-operator",
            operator_id="OP-151",
        )
    ],
)


def seed_cohort(con: duckdb.DuckDBPyConnection) -> None:
    """Record the demo cohort on top of the demo packs; do nothing when cohort rows exist.

    Steps whose prerequisites the packs do not meet are skipped with a warning, so the
    seeding never records a credential the rules would reject.
    """
    row = con.execute(queries.SELECT_COHORT_ROW_COUNT).fetchone()
    if row and row[0] > 0:
        logger.info("cohort tables already have rows; demo cohort not seeded")
        return

    start = utc_now() - timedelta(days=45)
    for index, partner in enumerate(DEMO_PARTNERS):
        submit_intake(con, _application(partner, index), LEAD, at=start + timedelta(days=index))
    submit_intake(con, WAITLISTED, LEAD, waitlist=True, at=start + timedelta(days=10))

    for number, operator_id in enumerate(TRAINED):
        reason = "Completed the track modules and the knowledge check"
        at = start + timedelta(days=14 + number)
        _attempt(actions.record_training, con, operator_id, "complete", reason, LEAD, at=at)

    today = utc_now().date()
    for operator_id, level in ISSUED:
        _attempt(actions.issue_credential, con, operator_id, level, today, "", LEAD)
    _seed_requirements(con, today)
    _seed_accreditation(con, today)
    _seed_quality(con, today)
    _attempt(
        actions.change_credential_standing,
        con,
        "OP-132",
        "operator",
        "suspend",
        "repeated-quality-failures",
        "Two customer deliveries in a row were handed over without restore-preview evidence",
        LEAD,
    )
    logger.info("demo cohort seeded: %d organisations", len(DEMO_PARTNERS) + 1)


def _application(partner: DemoPartner, index: int) -> IntakeApplication:
    # store.seed writes the managed-service motion with a space.
    motion = partner.motion.replace(" ", "-")
    operators = [
        OperatorApplication.model_validate(
            {
                "name": op.name,
                "email": op.email,
                "okta_iam_years": 3 + index + position,
                "experience_notes": f"{3 + index + position} years administering Okta; "
                "has run SSO and SCIM rollouts for customers",
                "requested_track": op.track,
                "operator_id": op.operator_id,
            }
        )
        for position, op in enumerate(partner.operators)
    ]
    return IntakeApplication.model_validate(
        {
            "organisation": partner.name,
            "partner_id": partner.partner_id,
            "motion": motion,
            "target_customers": TARGET_CUSTOMERS.get(motion, TARGET_CUSTOMERS["delivery"]),
            "pilot_context": "Supervised Okta recovery pilot in a customer's preview tenant",
            "operators": operators,
        }
    )


def _seed_requirements(con: duckdb.DuckDBPyConnection, today: date) -> None:
    _attempt(
        actions.record_requirement,
        con,
        "OP-121",
        "evidence-pack-review",
        today - timedelta(days=3),
        "review notes RL-REV-0121",
        "Reviewed a recovery-operator pack alongside a Butterfly reviewer",
        LEAD,
    )


def _seed_accreditation(con: duckdb.DuckDBPyConnection, today: date) -> None:
    items = (
        ("partner-terms", "record", "signed terms PT-2026-001", ""),
        ("security-review", "record", "security questionnaire SR-2026-001", ""),
        ("insurance", "record", "cyber liability certificate INS-2026-001", ""),
    )
    for item, action, evidence, notes in items:
        _attempt(
            actions.record_accreditation_item,
            con,
            "P-001",
            item,
            today - timedelta(days=7),
            evidence,
            notes,
            LEAD,
            action=action,
        )
    _attempt(
        actions.record_accreditation_item,
        con,
        "P-004",
        "partner-terms",
        today - timedelta(days=20),
        "signed terms PT-2026-004",
        "",
        LEAD,
    )


def _seed_quality(con: duckdb.DuckDBPyConnection, today: date) -> None:
    checks = (
        (40, "delivery DL-0401 (regional credit union)", "pass", ""),
        (21, "delivery DL-0402 (logistics firm)", "fail", "Handoff had no restore-preview proof"),
        (6, "delivery DL-0403 (clinic network)", "fail", "Restore-preview evidence missing again"),
    )
    for days_ago, delivery, result, notes in checks:
        _attempt(
            actions.record_quality_check,
            con,
            "P-004",
            today - timedelta(days=days_ago),
            delivery,
            result,
            notes,
            LEAD,
        )


def _attempt(step: Callable[..., object], *args: object, **kwargs: object) -> None:
    try:
        step(*args, **kwargs)
    except CohortError as exc:
        logger.warning("demo cohort step skipped: %s", exc)
