"""Read-only SQL for reports; every value is bound, never formatted into the text."""

SELECT_PACK = """
    SELECT pack_id, supersedes, partner_id, partner_name, track, tenant_org_url, environment,
           engagement_kind, scope, window_start, window_end, submitted_at, submitted_at_raw,
           received_at, manifest_sha256, content_digest
    FROM packs WHERE pack_id = ?
"""
SELECT_OPERATORS = """
    SELECT operator_id, name, email FROM pack_operators WHERE pack_id = ? ORDER BY operator_id
"""
SELECT_SUPERSEDING = "SELECT pack_id FROM packs WHERE supersedes = ? ORDER BY pack_id"
SELECT_LATEST_DECISION = """
    SELECT event_id, decision, rationale, total, rubric_version, content_digest, reviewer,
           created_at
    FROM decision_events WHERE pack_id = ? ORDER BY event_id DESC LIMIT 1
"""
# Scores and calls as they stood at a given event id: the decision's, or the newest.
SELECT_SCORES_AS_OF = """
    SELECT category, score, comment, reviewer, created_at
    FROM score_events WHERE pack_id = ? AND event_id <= ?
    QUALIFY row_number() OVER (PARTITION BY category ORDER BY event_id DESC) = 1
"""
SELECT_CALLS_AS_OF = """
    SELECT critical_failure, action, reason, reviewer, created_at
    FROM critical_failure_events WHERE pack_id = ? AND event_id <= ?
    QUALIFY row_number() OVER (PARTITION BY critical_failure ORDER BY event_id DESC) = 1
"""
SELECT_REVIEWERS_AS_OF = """
    SELECT reviewer FROM score_events WHERE pack_id = ? AND event_id <= ?
    UNION
    SELECT reviewer FROM critical_failure_events WHERE pack_id = ? AND event_id <= ?
    UNION
    SELECT reviewer FROM decision_events WHERE pack_id = ? AND event_id <= ?
    ORDER BY reviewer
"""
SELECT_LATEST_REVIEW_EVENT = """
    SELECT max(event_id) FROM (
        SELECT event_id FROM score_events WHERE pack_id = ?
        UNION ALL
        SELECT event_id FROM critical_failure_events WHERE pack_id = ?
        UNION ALL
        SELECT event_id FROM decision_events WHERE pack_id = ?
    )
"""
SELECT_LATEST_RUN = "SELECT max(run_id) FROM check_runs WHERE pack_id = ?"
SELECT_ARTIFACTS = """
    SELECT path, kind, listed, present, captured_at, captured_at_raw, description, size_bytes,
           sha256_declared, sha256_actual
    FROM artifacts WHERE pack_id = ?
    ORDER BY listed DESC, position NULLS LAST, path
"""
SELECT_STORED_HASHES = """
    SELECT path, sha256_actual FROM artifacts
    WHERE pack_id = ? AND present AND sha256_actual IS NOT NULL
    ORDER BY path
"""
INSERT_EXPORT = """
    INSERT INTO export_events
        (pack_id, report_kind, audience, report_digest, exported_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""

# Cohort report: every pack with its operators, latest decision and whether it is superseded.
SELECT_COHORT_PACKS = """
    WITH latest_decision AS (
        SELECT pack_id, decision, reviewer, created_at FROM decision_events
        QUALIFY row_number() OVER (PARTITION BY pack_id ORDER BY event_id DESC) = 1
    )
    SELECT p.pack_id, p.partner_id, p.partner_name, p.track, p.engagement_kind, p.received_at,
           d.decision, d.created_at, d.reviewer,
           EXISTS (SELECT 1 FROM packs s WHERE s.supersedes = p.pack_id) AS superseded
    FROM packs p LEFT JOIN latest_decision d USING (pack_id)
    ORDER BY p.partner_id, p.received_at, p.pack_id
"""
SELECT_ALL_PACK_OPERATORS = """
    SELECT o.pack_id, o.operator_id, o.name, p.partner_id, p.partner_name, p.track
    FROM pack_operators o JOIN packs p USING (pack_id)
    ORDER BY o.operator_id, p.received_at
"""
SELECT_LATEST_CALLS_ALL = """
    SELECT pack_id, critical_failure, action FROM critical_failure_events
    QUALIFY row_number() OVER (PARTITION BY pack_id, critical_failure ORDER BY event_id DESC) = 1
"""
SELECT_SUGGESTIONS_ALL = """
    SELECT DISTINCT f.pack_id, f.critical_failure FROM findings f
    WHERE f.critical_failure IS NOT NULL
      AND f.run_id = (SELECT max(run_id) FROM check_runs g WHERE g.pack_id = f.pack_id)
"""
