"""SQL of the cohort concern. Every value is bound with `?`; no text is formatted in."""

from __future__ import annotations

INSERT_ORG = """
    INSERT INTO cohort_orgs
        (partner_id, name, name_key, motion, target_customers, pilot_context,
         recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_OPERATOR = """
    INSERT INTO cohort_operators
        (operator_id, partner_id, name, email, okta_iam_years, experience_notes,
         requested_track, recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_ORG_STATUS = """
    INSERT INTO org_status_events (partner_id, status, reason_code, reason, recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""
INSERT_STAGE = """
    INSERT INTO stage_events (operator_id, stage, action, reason, recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""
INSERT_CREDENTIAL = """
    INSERT INTO credential_events
        (operator_id, level, action, reason_code, reason, issued_on, renews_on,
         recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_REQUIREMENT = """
    INSERT INTO requirement_events
        (operator_id, requirement, action, completed_on, evidence_ref, notes,
         recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_ACCREDITATION = """
    INSERT INTO accreditation_events
        (partner_id, item, action, completed_on, evidence_ref, notes, recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_QUALITY_CHECK = """
    INSERT INTO quality_checks
        (partner_id, checked_on, delivery_ref, result, notes, recorded_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""

SELECT_ORGS = """
    SELECT partner_id, name, motion, target_customers, pilot_context, recorded_by, created_at
    FROM cohort_orgs ORDER BY partner_id
"""
SELECT_ORG_BY_KEY = """
    SELECT partner_id, name FROM cohort_orgs WHERE partner_id = ? OR name_key = ?
"""
SELECT_OPERATORS = """
    SELECT operator_id, partner_id, name, email, okta_iam_years, experience_notes,
           requested_track, recorded_by, created_at
    FROM cohort_operators ORDER BY partner_id, operator_id
"""
SELECT_ORG_EXISTS = "SELECT 1 FROM cohort_orgs WHERE partner_id = ?"
SELECT_OPERATOR_EXISTS = "SELECT 1 FROM cohort_operators WHERE operator_id = ?"
SELECT_OPERATOR_COUNT = "SELECT count(*) FROM cohort_operators WHERE partner_id = ?"
SELECT_OPERATOR_CLASH = """
    SELECT operator_id, email FROM cohort_operators WHERE operator_id = ? OR email = ?
"""
# Numeric parts of every partner and operator id already in use, in the cohort or in packs,
# so that generated ids never collide with ids partners have already put in manifests.
SELECT_PARTNER_NUMBERS = """
    SELECT partner_id FROM cohort_orgs UNION SELECT partner_id FROM packs
"""
SELECT_OPERATOR_NUMBERS = """
    SELECT operator_id FROM cohort_operators UNION SELECT operator_id FROM pack_operators
"""
SELECT_LATEST_ORG_STATUS = """
    SELECT partner_id, status, reason_code, reason, recorded_by, created_at
    FROM org_status_events
    QUALIFY row_number() OVER (PARTITION BY partner_id ORDER BY event_id DESC) = 1
"""
SELECT_PLACE_HOLDERS = """
    SELECT o.name FROM cohort_orgs o JOIN (
        SELECT partner_id, status FROM org_status_events
        QUALIFY row_number() OVER (PARTITION BY partner_id ORDER BY event_id DESC) = 1
    ) s USING (partner_id)
    WHERE s.status IN ('admitted', 'suspended')
    ORDER BY o.partner_id
"""
SELECT_LATEST_STAGES = """
    SELECT operator_id, stage, action, reason, recorded_by, created_at
    FROM stage_events
    QUALIFY row_number() OVER (PARTITION BY operator_id, stage ORDER BY event_id DESC) = 1
"""
SELECT_LATEST_CREDENTIALS = """
    SELECT operator_id, level, action, reason_code, reason, issued_on, renews_on,
           recorded_by, created_at
    FROM credential_events
    QUALIFY row_number() OVER (PARTITION BY operator_id, level ORDER BY event_id DESC) = 1
"""
SELECT_LATEST_REQUIREMENTS = """
    SELECT operator_id, requirement, action, completed_on, evidence_ref, notes,
           recorded_by, created_at
    FROM requirement_events
    QUALIFY row_number() OVER (PARTITION BY operator_id, requirement ORDER BY event_id DESC) = 1
"""
SELECT_LATEST_ITEMS = """
    SELECT partner_id, item, action, completed_on, evidence_ref, notes, recorded_by, created_at
    FROM accreditation_events
    QUALIFY row_number() OVER (PARTITION BY partner_id, item ORDER BY event_id DESC) = 1
"""
SELECT_QUALITY_CHECKS = """
    SELECT partner_id, checked_on, delivery_ref, result, notes, recorded_by, created_at
    FROM quality_checks ORDER BY checked_on DESC, event_id DESC
"""
SELECT_COHORT_ROW_COUNT = """
    SELECT (SELECT count(*) FROM cohort_orgs) + (SELECT count(*) FROM org_status_events)
"""

# One row per pack with its operators, the latest decision, whether a later pack
# supersedes it, and whether the latest check run suggested critical failure 3
# (required evidence missing for the track).
SELECT_PACK_FACTS = """
    WITH latest_decision AS (
        SELECT pack_id, decision, reviewer, rationale, created_at
        FROM decision_events
        QUALIFY row_number() OVER (PARTITION BY pack_id ORDER BY event_id DESC) = 1
    ),
    latest_run AS (
        SELECT pack_id, max(run_id) AS run_id FROM check_runs GROUP BY pack_id
    ),
    missing AS (
        SELECT DISTINCT f.pack_id FROM findings f JOIN latest_run r USING (pack_id, run_id)
        WHERE f.critical_failure = 3
    )
    SELECT p.pack_id, p.partner_id, p.track, p.engagement_kind,
           (SELECT list(o.operator_id ORDER BY o.operator_id)
              FROM pack_operators o WHERE o.pack_id = p.pack_id) AS operator_ids,
           p.received_at,
           EXISTS (SELECT 1 FROM packs s WHERE s.supersedes = p.pack_id) AS superseded,
           d.decision, d.created_at, d.reviewer, d.rationale,
           m.pack_id IS NOT NULL AS missing_evidence
    FROM packs p
    LEFT JOIN latest_decision d USING (pack_id)
    LEFT JOIN missing m USING (pack_id)
    ORDER BY p.received_at
"""

# Latest score per (pack, category) for the packs of the given partners.
SELECT_LATEST_SCORES = """
    SELECT s.pack_id, p.partner_id, s.category, s.score
    FROM score_events s JOIN packs p USING (pack_id)
    WHERE list_contains(?, p.partner_id)
    QUALIFY row_number() OVER (PARTITION BY s.pack_id, s.category ORDER BY s.event_id DESC) = 1
"""
# First decision per pack: the moment the pack left the review queue.
SELECT_FIRST_DECISIONS = """
    SELECT d.pack_id, p.partner_id, d.decision, d.created_at
    FROM decision_events d JOIN packs p USING (pack_id)
    WHERE list_contains(?, p.partner_id)
    QUALIFY row_number() OVER (PARTITION BY d.pack_id ORDER BY d.event_id) = 1
"""

SELECT_OPERATOR_HISTORY = """
    SELECT created_at, recorded_by, 'stage' AS kind, stage || ': ' || action AS subject,
           reason AS note, event_id
    FROM stage_events WHERE operator_id = ?
    UNION ALL
    SELECT created_at, recorded_by, 'credential',
           level || ': ' || action,
           coalesce(reason_code || ' - ', '') || reason
               || ' (issued ' || CAST(issued_on AS VARCHAR)
               || ', renews ' || CAST(renews_on AS VARCHAR) || ')',
           event_id
    FROM credential_events WHERE operator_id = ?
    UNION ALL
    SELECT created_at, recorded_by, 'requirement', requirement || ': ' || action,
           CAST(completed_on AS VARCHAR) || ', evidence ' || evidence_ref
               || CASE WHEN notes = '' THEN '' ELSE ' - ' || notes END,
           event_id
    FROM requirement_events WHERE operator_id = ?
    ORDER BY created_at DESC, event_id DESC
"""
SELECT_ORG_HISTORY = """
    SELECT created_at, recorded_by, 'membership' AS kind, status AS subject,
           coalesce(reason_code || ' - ', '') || reason AS note, event_id
    FROM org_status_events WHERE partner_id = ?
    UNION ALL
    SELECT created_at, recorded_by, 'accreditation', item || ': ' || action,
           CAST(completed_on AS VARCHAR) || ', evidence ' || evidence_ref
               || CASE WHEN notes = '' THEN '' ELSE ' - ' || notes END,
           event_id
    FROM accreditation_events WHERE partner_id = ?
    UNION ALL
    SELECT created_at, recorded_by, 'quality check', result || ' ' || delivery_ref,
           CAST(checked_on AS VARCHAR) || CASE WHEN notes = '' THEN '' ELSE ' - ' || notes END,
           event_id
    FROM quality_checks WHERE partner_id = ?
    ORDER BY created_at DESC, event_id DESC
"""
