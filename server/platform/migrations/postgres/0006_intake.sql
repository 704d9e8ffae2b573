-- Intake: self-referrals and staff referrals, screening at intake, the waiting list and the
-- assessment (vurderingssamtale) that sets programme, guidance and start step.
-- Keep this file and ../sqlite/0006_intake.sql in step.

-- Whether the public self-referral form is open, and how often people waiting are re-screened.
ALTER TABLE organisations ADD COLUMN self_referral_open BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN rescreen_weeks BIGINT NOT NULL DEFAULT 2;

-- One referral: how the person came (the public form or a member of staff), what they told us,
-- and where they are on the way in. The patient row exists from the referral on, so flags,
-- steps and the audit trail work for people who are still waiting.
CREATE TABLE referrals (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    patient_id       BIGINT NOT NULL REFERENCES patients (id),
    source           TEXT   NOT NULL CHECK (source IN ('self', 'gp', 'nav', 'other_service', 'other')),
    created_by       BIGINT REFERENCES users (id),   -- NULL: the public form
    phone            TEXT   NOT NULL,
    birth_year       BIGINT,
    gender           TEXT   NOT NULL,
    education        TEXT   NOT NULL,
    work             TEXT   NOT NULL,
    immigrant        TEXT   NOT NULL,
    main_problem     TEXT   NOT NULL,
    duration         TEXT   NOT NULL,
    earlier_help     TEXT   NOT NULL,
    medication       TEXT   NOT NULL,
    message          TEXT   NOT NULL,
    consent_at       BIGINT NOT NULL,
    referred_at      BIGINT NOT NULL,
    status           TEXT   NOT NULL CHECK (status IN ('new', 'waiting', 'started', 'closed')),
    waiting_since    BIGINT,
    assessment_at    BIGINT,                          -- the booked vurderingssamtale
    assessment_with  BIGINT REFERENCES users (id),
    assessed_at      BIGINT,
    assessed_by      BIGINT REFERENCES users (id),
    enrolment_id     BIGINT REFERENCES enrolments (id),
    closed_at        BIGINT,
    close_reason     TEXT
);
CREATE INDEX referrals_queue ON referrals (organisation_id, status, referred_at);
CREATE INDEX referrals_patient ON referrals (patient_id);

-- The screening questionnaires answered with the referral. Never changed.
CREATE TABLE screenings (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id    BIGINT NOT NULL REFERENCES referrals (id),
    instrument_id  TEXT   NOT NULL,
    answers        TEXT   NOT NULL,   -- JSON array in item order
    total          BIGINT NOT NULL,
    submitted_at   BIGINT NOT NULL,
    UNIQUE (referral_id, instrument_id)
);
CREATE FUNCTION screenings_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'screenings are never changed'; END $$;
CREATE TRIGGER screenings_no_change BEFORE UPDATE OR DELETE ON screenings
FOR EACH ROW EXECUTE FUNCTION screenings_unchanged();

-- Submissions of the public form per client address, for its rate limit.
CREATE TABLE referral_attempts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT NOT NULL,
    client_ip  TEXT   NOT NULL
);
CREATE INDEX referral_attempts_ip ON referral_attempts (client_ip, at);

-- The report reads every current answer of an organisation: finding a response's correction
-- must not scan all responses.
CREATE INDEX responses_corrects ON responses (corrects);

-- A patient's request to delete their data: a task for a clinician, answered with what was
-- done or why the record must be kept (journal-type data is never hard-deleted by the app).
CREATE TABLE deletion_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id   BIGINT NOT NULL REFERENCES patients (id),
    message      TEXT   NOT NULL,
    requested_at BIGINT NOT NULL,
    handled_at   BIGINT,
    handled_by   BIGINT REFERENCES users (id),
    answer       TEXT
);
CREATE INDEX deletion_requests_patient ON deletion_requests (patient_id);

-- Team administration: a person's sessions are valid while their epoch is unchanged, so a
-- deactivation ends them at once (on every instance); every change of a person's roles in an
-- organisation is kept.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
CREATE TABLE staff_changes (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    user_id          BIGINT NOT NULL REFERENCES users (id),
    roles_before     TEXT   NOT NULL,
    roles_after      TEXT   NOT NULL,   -- empty: deactivated
    changed_by       BIGINT NOT NULL REFERENCES users (id),
    changed_at       BIGINT NOT NULL
);
