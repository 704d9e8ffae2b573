-- Measurement: instrument packs, questionnaire schedules, the questionnaires put in front of
-- patients and their answers. Keep this file and ../postgres/0003_measurement.sql in step.

-- An organisation's licensed text for an instrument (the pack file as uploaded; checked by
-- stegvis_content::instruments::pack on upload and read again on use).
CREATE TABLE instrument_packs (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    instrument_id    TEXT   NOT NULL,
    source           TEXT   NOT NULL,
    uploaded_by      BIGINT NOT NULL REFERENCES users (id),
    uploaded_at      BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, instrument_id)
);

-- An organisation's own choice of occasions for an instrument in a programme, overriding the
-- programme's (comma-separated: start, weekly, middle, end, 3m, 6m, 12m; empty = not used).
CREATE TABLE measure_schedules (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    programme_id     TEXT   NOT NULL,
    instrument_id    TEXT   NOT NULL,
    occasions        TEXT   NOT NULL,
    PRIMARY KEY (organisation_id, programme_id, instrument_id)
);

-- A questionnaire due for a patient: one per enrolment, instrument and occasion, created when
-- its window opens. It may be postponed once.
CREATE TABLE questionnaires (
    id               INTEGER PRIMARY KEY,
    enrolment_id     BIGINT NOT NULL REFERENCES enrolments (id),
    instrument_id    TEXT   NOT NULL,
    occasion         TEXT   NOT NULL,   -- stegvis_content::schedule::Occasion key
    due_on           TEXT   NOT NULL,   -- YYYY-MM-DD, Europe/Oslo
    closes_on        TEXT   NOT NULL,   -- first day it is no longer asked for
    postponed_until  BIGINT,
    created_at       BIGINT NOT NULL,
    UNIQUE (enrolment_id, instrument_id, occasion)
);

-- Answers are never changed. A correction is a new row with the next revision that names the
-- one it corrects; the unique key makes a repeated submit a no-op.
CREATE TABLE responses (
    id                INTEGER PRIMARY KEY,
    questionnaire_id  BIGINT NOT NULL REFERENCES questionnaires (id),
    revision          BIGINT NOT NULL,
    corrects          BIGINT REFERENCES responses (id),
    answers           TEXT   NOT NULL,   -- JSON array in item order; null = does not apply
    total             BIGINT NOT NULL,
    submitted_at      BIGINT NOT NULL,
    UNIQUE (questionnaire_id, revision)
);
CREATE INDEX responses_questionnaire ON responses (questionnaire_id);
CREATE TRIGGER responses_no_update BEFORE UPDATE ON responses
BEGIN SELECT RAISE(ABORT, 'responses are never changed'); END;
CREATE TRIGGER responses_no_delete BEFORE DELETE ON responses
BEGIN SELECT RAISE(ABORT, 'responses are never changed'); END;
CREATE INDEX questionnaires_enrolment ON questionnaires (enrolment_id);
