-- An organisation's own wording of a notification mail's text, per kind and language. The
-- subject, the link and the closing stay Stegvis's own: they are what keeps a mail neutral.
-- No row: the built-in text.
CREATE TABLE notification_texts (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    kind             TEXT   NOT NULL,
    locale           TEXT   NOT NULL,
    body             TEXT   NOT NULL,
    updated_by       BIGINT NOT NULL REFERENCES users (id),
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, kind, locale)
);
