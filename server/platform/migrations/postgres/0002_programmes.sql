-- Treatment programmes: content snapshots, enrolments, module pacing, drafts, submissions and
-- feedback. Keep this file and ../sqlite/0002_programmes.sql in step.

-- A snapshot of a programme's content (stegvis_content::Programme as JSON), one per distinct
-- content. Enrolments point at one for life.
CREATE TABLE programme_versions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id  TEXT   NOT NULL,
    label         TEXT   NOT NULL,
    fingerprint   TEXT   NOT NULL,
    definition    TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (programme_id, fingerprint)
);

-- The unguided programme a new patient of the organisation is enrolled in (NULL: none).
ALTER TABLE organisations ADD COLUMN waiting_list_programme TEXT;

-- An organisation's choice, per module, between "opens after feedback" and "opens on schedule".
CREATE TABLE module_pacing (
    organisation_id    BIGINT NOT NULL REFERENCES organisations (id),
    programme_id       TEXT   NOT NULL,
    module_id          TEXT   NOT NULL,
    requires_feedback  BIGINT NOT NULL CHECK (requires_feedback IN (0, 1)),
    PRIMARY KEY (organisation_id, programme_id, module_id)
);

CREATE TABLE enrolments (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id            BIGINT NOT NULL REFERENCES patients (id),
    programme_version_id  BIGINT NOT NULL REFERENCES programme_versions (id),
    guided                BIGINT NOT NULL CHECK (guided IN (0, 1)),
    start_date            TEXT   NOT NULL,   -- YYYY-MM-DD, Europe/Oslo
    end_date              TEXT   NOT NULL,
    enrolled_by           BIGINT REFERENCES users (id),   -- NULL: by the waiting-list setting
    created_at            BIGINT NOT NULL,
    ended_at              BIGINT
);
CREATE INDEX enrolments_patient ON enrolments (patient_id);

-- The modules of an enrolment: the programme's own, and optional ones a therapist added.
-- `position` is the module's 1-based place in the snapshot (the number in addresses).
CREATE TABLE enrolment_modules (
    enrolment_id       BIGINT NOT NULL REFERENCES enrolments (id),
    position           BIGINT NOT NULL,
    requires_feedback  BIGINT NOT NULL CHECK (requires_feedback IN (0, 1)),
    opens_on           TEXT,     -- the date the schedule opens it; NULL: it waits for a therapist
    opened_at          BIGINT,   -- when a therapist opened it
    opened_by          BIGINT REFERENCES users (id),
    PRIMARY KEY (enrolment_id, position)
);

-- What the patient has typed and not yet submitted, exactly as typed.
CREATE TABLE drafts (
    enrolment_id  BIGINT NOT NULL REFERENCES enrolments (id),
    position      BIGINT NOT NULL,
    answers       TEXT   NOT NULL,   -- JSON [[key, value], …]
    revision      BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (enrolment_id, position)
);

-- One submission per module: the unique key makes a repeated submit a no-op. The worksheet
-- definition is stored with the answers, so they always render as they were given.
CREATE TABLE submissions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrolment_id  BIGINT NOT NULL REFERENCES enrolments (id),
    position      BIGINT NOT NULL,
    worksheet     TEXT   NOT NULL,
    answers       TEXT   NOT NULL,
    submitted_at  BIGINT NOT NULL,
    UNIQUE (enrolment_id, position)
);

CREATE TABLE feedback (
    submission_id  BIGINT PRIMARY KEY REFERENCES submissions (id),
    therapist_id   BIGINT NOT NULL REFERENCES users (id),
    body           TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);
