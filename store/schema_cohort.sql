-- Founding-cohort tables: intake records, membership, stages, credentials, organisation
-- accreditation and quality checks. The intake rows (cohort_orgs, cohort_operators) are
-- written once; every other table is append-only, with who (recorded_by), when
-- (created_at, UTC) and why (reason or notes). The current state is the latest row per
-- key, by event_id from cohort_event_seq.

CREATE SEQUENCE IF NOT EXISTS cohort_event_seq START 1;

-- The routing record created by the intake form. partner_id is the id the partner puts in
-- manifest.partner.partner_id, so packs link to the organisation by it. name_key is the
-- normalised name that duplicate detection compares.
CREATE TABLE IF NOT EXISTS cohort_orgs (
    partner_id       VARCHAR PRIMARY KEY,
    name             VARCHAR NOT NULL,
    name_key         VARCHAR NOT NULL UNIQUE,
    motion           VARCHAR NOT NULL,
    target_customers VARCHAR NOT NULL,
    pilot_context    VARCHAR NOT NULL,
    recorded_by      VARCHAR NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);

-- operator_id is the id used in manifest.operators[].operator_id.
CREATE TABLE IF NOT EXISTS cohort_operators (
    operator_id      VARCHAR PRIMARY KEY,
    partner_id       VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    email            VARCHAR NOT NULL UNIQUE,
    okta_iam_years   INTEGER NOT NULL,
    experience_notes VARCHAR NOT NULL,
    requested_track  VARCHAR NOT NULL,
    recorded_by      VARCHAR NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);

-- status: 'admitted', 'waitlisted', 'suspended' or 'withdrawn'.
CREATE TABLE IF NOT EXISTS org_status_events (
    event_id    BIGINT PRIMARY KEY DEFAULT nextval('cohort_event_seq'),
    partner_id  VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    reason_code VARCHAR,
    reason      VARCHAR NOT NULL,
    recorded_by VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Stage steps a cohort lead records by hand (training). Stages that follow from pack
-- decisions (prove, supervise) are never stored here. action: 'complete' or 'reopen'.
CREATE TABLE IF NOT EXISTS stage_events (
    event_id    BIGINT PRIMARY KEY DEFAULT nextval('cohort_event_seq'),
    operator_id VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    recorded_by VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- action: 'issue', 'renew', 'suspend', 'revoke' or 'reinstate'. issued_on and renews_on
-- carry the dates in force after the event.
CREATE TABLE IF NOT EXISTS credential_events (
    event_id    BIGINT PRIMARY KEY DEFAULT nextval('cohort_event_seq'),
    operator_id VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    reason_code VARCHAR,
    reason      VARCHAR NOT NULL,
    issued_on   DATE NOT NULL,
    renews_on   DATE NOT NULL,
    recorded_by VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Recovery Lead requirements (supervised delivery, evidence-pack review, practical drill,
-- reviewer interview). action: 'record' or 'withdraw'.
CREATE TABLE IF NOT EXISTS requirement_events (
    event_id     BIGINT PRIMARY KEY DEFAULT nextval('cohort_event_seq'),
    operator_id  VARCHAR NOT NULL,
    requirement  VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,
    completed_on DATE NOT NULL,
    evidence_ref VARCHAR NOT NULL,
    notes        VARCHAR NOT NULL,
    recorded_by  VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- Organisation accreditation items. action: 'record', 'not-required' (insurance only) or
-- 'withdraw'.
CREATE TABLE IF NOT EXISTS accreditation_events (
    event_id     BIGINT PRIMARY KEY DEFAULT nextval('cohort_event_seq'),
    partner_id   VARCHAR NOT NULL,
    item         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,
    completed_on DATE NOT NULL,
    evidence_ref VARCHAR NOT NULL,
    notes        VARCHAR NOT NULL,
    recorded_by  VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- Quality checks on customer deliveries after certification. result: 'pass' or 'fail'.
CREATE TABLE IF NOT EXISTS quality_checks (
    event_id     BIGINT PRIMARY KEY DEFAULT nextval('cohort_event_seq'),
    partner_id   VARCHAR NOT NULL,
    checked_on   DATE NOT NULL,
    delivery_ref VARCHAR NOT NULL,
    result       VARCHAR NOT NULL,
    notes        VARCHAR NOT NULL,
    recorded_by  VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
