-- Butterfly Review database schema. Applied in one transaction by store.db.apply_schema.
-- Packs and their content are written once per pack_id at ingest. Review rows
-- (scores, critical-failure calls, decisions, exports) are only ever appended:
-- the current state is the latest row per key.

CREATE SEQUENCE IF NOT EXISTS event_seq START 1;

CREATE TABLE IF NOT EXISTS packs (
    pack_id          VARCHAR PRIMARY KEY,
    spec_version     VARCHAR NOT NULL,
    supersedes       VARCHAR,
    partner_id       VARCHAR NOT NULL,
    partner_name     VARCHAR NOT NULL,
    track            VARCHAR NOT NULL,
    tenant_org_url   VARCHAR NOT NULL,
    environment      VARCHAR NOT NULL,
    engagement_kind  VARCHAR NOT NULL,
    scope            VARCHAR,
    window_start     TIMESTAMPTZ,
    window_end       TIMESTAMPTZ,
    submitted_at     TIMESTAMPTZ,
    submitted_at_raw VARCHAR NOT NULL,
    received_at      TIMESTAMPTZ NOT NULL,
    source_name      VARCHAR,
    manifest_sha256  VARCHAR NOT NULL,
    content_digest   VARCHAR NOT NULL,
    manifest_json    JSON NOT NULL
);

CREATE TABLE IF NOT EXISTS pack_operators (
    pack_id     VARCHAR NOT NULL,
    operator_id VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    email       VARCHAR NOT NULL,
    PRIMARY KEY (pack_id, operator_id)
);

CREATE TABLE IF NOT EXISTS approvals (
    pack_id      VARCHAR NOT NULL,
    approval_id  VARCHAR NOT NULL,
    approved_by  VARCHAR NOT NULL,
    approved_at  TIMESTAMPTZ,
    approved_at_raw VARCHAR NOT NULL,
    covers       VARCHAR[] NOT NULL,
    artifact     VARCHAR,
    position     INTEGER NOT NULL
);

-- One row per file in the pack: listed in the manifest, present in the pack, or both.
CREATE TABLE IF NOT EXISTS artifacts (
    pack_id         VARCHAR NOT NULL,
    path            VARCHAR NOT NULL,
    kind            VARCHAR,
    listed          BOOLEAN NOT NULL,
    present         BOOLEAN NOT NULL,
    sha256_declared VARCHAR,
    sha256_actual   VARCHAR,
    size_bytes      BIGINT,
    captured_at     TIMESTAMPTZ,
    captured_at_raw VARCHAR,
    internal_time   TIMESTAMPTZ,
    internal_time_field VARCHAR,
    received_at     TIMESTAMPTZ NOT NULL,
    description     VARCHAR,
    "references"    VARCHAR[],
    media           VARCHAR,
    parse_error     VARCHAR,
    content_json    JSON,
    position        INTEGER
);

-- Okta System Log events, one row per event. The LogEvent objects that checks read are kept
-- as JSON text as read. `raw` joins them into one text for the checks that scan for hosts,
-- e-mail addresses and secrets, and it is computed on read, so the events are stored once.
CREATE TABLE IF NOT EXISTS log_events (
    pack_id            VARCHAR NOT NULL,
    artifact_path      VARCHAR NOT NULL,
    event_index        BIGINT,
    uuid               VARCHAR,
    published          TIMESTAMPTZ,
    published_raw      VARCHAR,
    event_type         VARCHAR,
    severity           VARCHAR,
    display_message    VARCHAR,
    actor_id           VARCHAR,
    actor_type         VARCHAR,
    actor_alternate_id VARCHAR,
    actor_display_name VARCHAR,
    outcome_result     VARCHAR,
    transaction_id     VARCHAR,
    request_id         VARCHAR,
    client_ip          VARCHAR,
    version            VARCHAR,
    legacy_event_type  VARCHAR,
    actor              JSON,
    outcome            JSON,
    debug_context      JSON,
    "transaction"      JSON,
    target             JSON,
    raw VARCHAR GENERATED ALWAYS AS (
        concat_ws(' ', uuid, published_raw, event_type, display_message, actor, outcome,
                  debug_context, "transaction", target)
    ) VIRTUAL
);

CREATE TABLE IF NOT EXISTS api_responses (
    pack_id       VARCHAR NOT NULL,
    artifact_path VARCHAR NOT NULL,
    method        VARCHAR,
    url           VARCHAR,
    sent_at       TIMESTAMPTZ,
    sent_at_raw   VARCHAR,
    status        INTEGER,
    body          JSON
);

CREATE TABLE IF NOT EXISTS scim_exchanges (
    pack_id       VARCHAR NOT NULL,
    artifact_path VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    sent_at       TIMESTAMPTZ,
    sent_at_raw   VARCHAR,
    method        VARCHAR,
    path          VARCHAR,
    request_body  JSON,
    status        INTEGER,
    response_body JSON
);

CREATE TABLE IF NOT EXISTS documents (
    pack_id       VARCHAR NOT NULL,
    artifact_path VARCHAR NOT NULL,
    media         VARCHAR NOT NULL,
    readable      BOOLEAN NOT NULL,
    error         VARCHAR,
    page_count    INTEGER,
    title         VARCHAR,
    author        VARCHAR,
    created_at    VARCHAR,
    text          VARCHAR
);

-- One row per run of the automatic checks on a pack. A pack with no run has not been
-- checked yet (a load interrupted between its commit and its checks), and cannot pass.
CREATE TABLE IF NOT EXISTS check_runs (
    pack_id        VARCHAR NOT NULL,
    run_id         BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    finding_count  INTEGER NOT NULL
);

-- Findings of the automatic checks, recomputed as one set per run.
CREATE TABLE IF NOT EXISTS findings (
    pack_id          VARCHAR NOT NULL,
    run_id           BIGINT NOT NULL,
    check_id         VARCHAR NOT NULL,
    severity         VARCHAR NOT NULL,
    category         VARCHAR NOT NULL,
    artifact         VARCHAR,
    field            VARCHAR,
    message          VARCHAR NOT NULL,
    expected         VARCHAR,
    found            VARCHAR,
    critical_failure INTEGER,
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS score_events (
    event_id   BIGINT PRIMARY KEY DEFAULT nextval('event_seq'),
    pack_id    VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,
    score      DECIMAL(6, 2),
    comment    VARCHAR,
    reviewer   VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- action: 'confirm', 'dismiss' or 'raise' (a reviewer's own call without a suggestion).
CREATE TABLE IF NOT EXISTS critical_failure_events (
    event_id         BIGINT PRIMARY KEY DEFAULT nextval('event_seq'),
    pack_id          VARCHAR NOT NULL,
    critical_failure INTEGER NOT NULL,
    action           VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    reviewer         VARCHAR NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS decision_events (
    event_id        BIGINT PRIMARY KEY DEFAULT nextval('event_seq'),
    pack_id         VARCHAR NOT NULL,
    decision        VARCHAR NOT NULL,
    rationale       VARCHAR NOT NULL,
    total           DECIMAL(6, 2),
    rubric_version  VARCHAR NOT NULL,
    content_digest  VARCHAR NOT NULL,
    reviewer        VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS export_events (
    event_id       BIGINT PRIMARY KEY DEFAULT nextval('event_seq'),
    pack_id        VARCHAR,
    report_kind    VARCHAR NOT NULL,
    audience       VARCHAR NOT NULL,
    report_digest  VARCHAR NOT NULL,
    exported_by    VARCHAR NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

-- Problems met while reading an artifact (bad JSON line, unreadable PDF, ...), for checks.
CREATE TABLE IF NOT EXISTS artifact_problems (
    pack_id       VARCHAR NOT NULL,
    artifact_path VARCHAR NOT NULL,
    field         VARCHAR,
    problem       VARCHAR NOT NULL
);
