-- Guidance: secure messages, journal notes and contacts, time on each patient, holiday cover,
-- notification settings. Keep this file and ../sqlite/0004_guidance.sql in step.

-- The last time the patient did anything in Stegvis (a request, at most every few minutes).
ALTER TABLE patients ADD COLUMN last_active_at BIGINT;

-- A therapist's caseload is looked up by therapist.
CREATE INDEX assignments_therapist ON assignments (therapist_id);

-- The weekdays a therapist usually replies on (ISO numbers, "1,3,5"), shown to their patients.
ALTER TABLE users ADD COLUMN reply_days TEXT NOT NULL DEFAULT '';

-- The therapist a colleague acted for while covering (see `covers`).
ALTER TABLE audit_log ADD COLUMN on_behalf_of BIGINT;

-- One thread per patient between the patient and the staff who guide them. A sent message is
-- never changed: the triggers refuse it. `client_key` is chosen by the form that sends it, so a
-- retried request finds the message it already stored.
CREATE TABLE messages (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id    BIGINT NOT NULL REFERENCES patients (id),
    author_id     BIGINT NOT NULL REFERENCES users (id),
    from_patient  BIGINT NOT NULL CHECK (from_patient IN (0, 1)),
    body          TEXT   NOT NULL,
    client_key    TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (author_id, client_key)
);
CREATE INDEX messages_patient ON messages (patient_id, id);
CREATE FUNCTION messages_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'messages are never changed'; END $$;
CREATE TRIGGER messages_no_change BEFORE UPDATE OR DELETE ON messages
FOR EACH ROW EXECUTE FUNCTION messages_unchanged();

-- How far each reader has read a thread.
CREATE TABLE message_reads (
    patient_id    BIGINT NOT NULL REFERENCES patients (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    last_read_id  BIGINT NOT NULL,
    PRIMARY KEY (patient_id, user_id)
);

-- What someone has written in a thread and not yet sent.
CREATE TABLE message_drafts (
    patient_id  BIGINT NOT NULL REFERENCES patients (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    body        TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (patient_id, user_id)
);

-- A phone call, video call or meeting with the patient, with its minutes. Never changed.
CREATE TABLE contacts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id    BIGINT NOT NULL REFERENCES patients (id),
    therapist_id  BIGINT NOT NULL REFERENCES users (id),
    kind          TEXT   NOT NULL CHECK (kind IN ('phone', 'video', 'meeting')),
    held_on       TEXT   NOT NULL,
    minutes       BIGINT NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    summary       TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX contacts_patient ON contacts (patient_id);
CREATE FUNCTION contacts_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'contacts are never changed'; END $$;
CREATE TRIGGER contacts_no_change BEFORE UPDATE OR DELETE ON contacts
FOR EACH ROW EXECUTE FUNCTION contacts_unchanged();

-- Journal notes. A correction is a new version naming the one it replaces (at most one each);
-- no version is ever changed or deleted.
CREATE TABLE journal_notes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id   BIGINT NOT NULL REFERENCES patients (id),
    replaces_id  BIGINT UNIQUE REFERENCES journal_notes (id),
    written_on   TEXT   NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('treatment', 'assessment', 'coordination', 'other')),
    body         TEXT   NOT NULL,
    author_id    BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX journal_notes_patient ON journal_notes (patient_id);
CREATE FUNCTION journal_notes_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'journal notes are never changed'; END $$;
CREATE TRIGGER journal_notes_no_change BEFORE UPDATE OR DELETE ON journal_notes
FOR EACH ROW EXECUTE FUNCTION journal_notes_unchanged();

-- A therapist's own figure for their minutes with a patient in a week (Monday's date), where
-- the estimate from the audit trail is wrong.
CREATE TABLE time_corrections (
    patient_id    BIGINT NOT NULL REFERENCES patients (id),
    therapist_id  BIGINT NOT NULL REFERENCES users (id),
    week          TEXT   NOT NULL,
    minutes       BIGINT NOT NULL CHECK (minutes BETWEEN 0 AND 6000),
    corrected_at  BIGINT NOT NULL,
    PRIMARY KEY (patient_id, therapist_id, week)
);

-- A colleague acts for an absent therapist, for the Oslo dates from and to (inclusive).
CREATE TABLE covers (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    absent_id        BIGINT NOT NULL REFERENCES users (id),
    cover_id         BIGINT NOT NULL REFERENCES users (id),
    starts_on        TEXT   NOT NULL,
    ends_on          TEXT   NOT NULL,
    created_by       BIGINT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    cancelled_at     BIGINT,
    CHECK (absent_id <> cover_id),
    CHECK (starts_on <= ends_on)
);
CREATE INDEX covers_cover ON covers (cover_id, organisation_id);

-- Notifications a person has switched off (all are on until switched off).
CREATE TABLE notification_settings (
    user_id  BIGINT NOT NULL REFERENCES users (id),
    kind     TEXT   NOT NULL,
    enabled  BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_id, kind)
);

-- What a notification mail was about, so that a burst of events makes one mail, and a
-- once-only notification (a questionnaire due, a reminder) is sent once.
ALTER TABLE outbox ADD COLUMN user_id BIGINT;
ALTER TABLE outbox ADD COLUMN kind TEXT;
ALTER TABLE outbox ADD COLUMN once_key TEXT;
CREATE UNIQUE INDEX outbox_once ON outbox (user_id, once_key);
CREATE INDEX outbox_user_kind ON outbox (user_id, kind, created_at);
