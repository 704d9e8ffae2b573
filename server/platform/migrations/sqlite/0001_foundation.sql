-- Foundation of the model. Times are Unix seconds (BIGINT) so that one SQL text serves SQLite and
-- PostgreSQL through sqlx's Any driver. Keep this file and ../postgres/0001_foundation.sql in step.

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('rph', 'dps')),
    created_at  BIGINT  NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,   -- always stored lower-cased
    display_name   TEXT    NOT NULL,
    password_hash  TEXT,                      -- NULL until an invited person sets one
    locale         TEXT    NOT NULL DEFAULT 'nb' CHECK (locale IN ('nb', 'en')),
    created_at     BIGINT  NOT NULL
);

-- Staff roles; one person may hold several, in several organisations.
CREATE TABLE staff_roles (
    user_id          BIGINT NOT NULL REFERENCES users (id),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    role             TEXT   NOT NULL CHECK (role IN ('therapist', 'team_lead', 'org_admin')),
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (user_id, organisation_id, role)
);

-- A patient is a person's record in one organisation; every row of patient data hangs off it.
CREATE TABLE patients (
    id               INTEGER PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    user_id          BIGINT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    UNIQUE (organisation_id, user_id)
);

CREATE TABLE assignments (
    patient_id       BIGINT NOT NULL REFERENCES patients (id),
    therapist_id     BIGINT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (patient_id, therapist_id)
);

-- Append-only: the triggers below refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               BIGINT NOT NULL,
    actor_user_id    BIGINT NOT NULL,
    actor_role       TEXT   NOT NULL,
    organisation_id  BIGINT NOT NULL,
    patient_id       BIGINT,
    action           TEXT   NOT NULL,
    request_id       TEXT   NOT NULL
);
CREATE INDEX audit_log_patient ON audit_log (patient_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    email            TEXT   NOT NULL,
    display_name     TEXT   NOT NULL,
    role             TEXT   NOT NULL CHECK (role IN ('patient', 'therapist', 'team_lead', 'org_admin')),
    locale           TEXT   NOT NULL CHECK (locale IN ('nb', 'en')),
    token_hash       TEXT   NOT NULL UNIQUE,
    invited_by       BIGINT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    accepted_at      BIGINT
);

CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    token_hash  TEXT   NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- Failed log-ins, counted per account and per client address for rate limiting.
CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY,
    at           BIGINT NOT NULL,
    account_key  TEXT   NOT NULL,
    client_ip    TEXT   NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account_key, at);
CREATE INDEX login_failures_ip ON login_failures (client_ip, at);

-- Transactional outbox: a mail is written in the same transaction as what caused it and sent
-- by the worker. The body is blanked once sent (it may hold a one-time link).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    created_at       BIGINT NOT NULL,
    to_address       TEXT   NOT NULL,
    subject          TEXT   NOT NULL,
    body             TEXT   NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    claimed_until    BIGINT NOT NULL DEFAULT 0,
    sent_at          BIGINT,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
