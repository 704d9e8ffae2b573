-- Escalation and stepped care: flags and their decisions, an organisation's thresholds and
-- ladder, and every change of a patient's step with the handover summary that went with it.
-- Keep this file and ../postgres/0005_escalation.sql in step.

-- An organisation's own flag thresholds (`stegvis_content::flags::settings`); a missing row
-- is the default.
CREATE TABLE flag_settings (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    key              TEXT   NOT NULL,
    value            BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, key)
);

-- An organisation's ladder, lowest step first; none stored is the default ladder.
CREATE TABLE ladder_steps (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    position         BIGINT NOT NULL,
    key              TEXT   NOT NULL,
    kind             TEXT   NOT NULL CHECK (kind IN ('unguided', 'guided', 'with_contacts', 'specialist', 'emergency')),
    name_nb          TEXT   NOT NULL,
    name_en          TEXT   NOT NULL,
    next_nb          TEXT   NOT NULL,
    next_en          TEXT   NOT NULL,
    PRIMARY KEY (organisation_id, key)
);

-- A task for a clinician. `once_key` names what raised it (a response, an enrolment, a spell of
-- inactivity, a homework, a message, a press of "I need more help"), so a rule that fires twice,
-- or on two instances at once, raises one flag. Once closed, with a decision and the journal
-- note that explains it, a flag is never changed again.
CREATE TABLE flags (
    id              INTEGER PRIMARY KEY,
    patient_id      BIGINT NOT NULL REFERENCES patients (id),
    kind            TEXT   NOT NULL,
    urgency         TEXT   NOT NULL CHECK (urgency IN ('urgent', 'high', 'normal')),
    reason          TEXT   NOT NULL,
    once_key        TEXT   NOT NULL,
    response_id     BIGINT REFERENCES responses (id),
    message         TEXT,
    raised_at       BIGINT NOT NULL,
    escalated_at    BIGINT,
    closed_at       BIGINT,
    closed_by       BIGINT REFERENCES users (id),
    decision        TEXT,
    to_step         TEXT,
    note_id         BIGINT REFERENCES journal_notes (id),
    UNIQUE (patient_id, once_key),
    CHECK ((closed_at IS NULL) = (decision IS NULL) AND (closed_at IS NULL) = (note_id IS NULL))
);
CREATE INDEX flags_open ON flags (closed_at, urgency, raised_at);
CREATE INDEX flags_patient ON flags (patient_id, raised_at);
CREATE TRIGGER flags_closed_unchanged BEFORE UPDATE ON flags WHEN OLD.closed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a closed flag is never changed'); END;
CREATE TRIGGER flags_no_delete BEFORE DELETE ON flags
BEGIN SELECT RAISE(ABORT, 'flags are never deleted'); END;

-- The patient's step now (the last step change's `to_step`), for lists and filters.
ALTER TABLE patients ADD COLUMN step TEXT;

-- Every change of step: who, when, from, to, why (an assessment or a flag), the note, and the
-- handover summary as it stood (JSON). Never changed.
CREATE TABLE step_changes (
    id             INTEGER PRIMARY KEY,
    patient_id     BIGINT NOT NULL REFERENCES patients (id),
    from_step      TEXT,
    to_step        TEXT   NOT NULL,
    reason         TEXT   NOT NULL CHECK (reason IN ('assessment', 'flag')),
    flag_id        BIGINT REFERENCES flags (id),
    note           TEXT   NOT NULL,
    changed_by     BIGINT NOT NULL REFERENCES users (id),
    on_behalf_of   BIGINT REFERENCES users (id),
    changed_at     BIGINT NOT NULL,
    handover       TEXT   NOT NULL
);
CREATE INDEX step_changes_patient ON step_changes (patient_id, id);
CREATE TRIGGER step_changes_no_update BEFORE UPDATE ON step_changes
BEGIN SELECT RAISE(ABORT, 'step changes are never changed'); END;
CREATE TRIGGER step_changes_no_delete BEFORE DELETE ON step_changes
BEGIN SELECT RAISE(ABORT, 'step changes are never changed'); END;
