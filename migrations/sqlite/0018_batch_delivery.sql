-- Delivery of bulk issuance: a batch row with an e-mail (or naming an
-- Atout account) becomes an offer, mailed through the outbox in the same
-- transaction as its chunk; a row naming a bare DID is issued bound to it.
-- The delivery status of a row is read from its offer and its last mail.

-- Offers made by a batch: the batch, the row's reference (unique per
-- organisation, like issued references: a re-run skips it), the mail's
-- language, when the link was opened, when the last mail (offer or resend)
-- and the reminder were queued, and that mail's outbox id (a bounce).
ALTER TABLE offers ADD COLUMN batch_id TEXT;
ALTER TABLE offers ADD COLUMN reference TEXT;
ALTER TABLE offers ADD COLUMN lang TEXT;
ALTER TABLE offers ADD COLUMN opened_at TEXT;
ALTER TABLE offers ADD COLUMN mailed_at TEXT;
ALTER TABLE offers ADD COLUMN reminded_at TEXT;
ALTER TABLE offers ADD COLUMN mail_id TEXT;
CREATE INDEX offers_batch ON offers (batch_id);
CREATE UNIQUE INDEX offers_reference ON offers (org_id, reference);
CREATE INDEX offers_reminder ON offers (state, reminded_at, expires_at);

-- A message the mail server refused for good (or after too many attempts):
-- no more attempts.
ALTER TABLE outbox ADD COLUMN failed_at TEXT;

-- Rows counted as offered.
ALTER TABLE batches ADD COLUMN offered INTEGER NOT NULL DEFAULT 0;

-- Rows: the new state `offered`, the `holder` column (a DID or an account's
-- e-mail) and the row's offer. SQLite cannot change a CHECK: the table is
-- rebuilt.
CREATE TABLE batch_rows_new (
    batch_id       TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    row_number     INTEGER NOT NULL,
    reference      TEXT NOT NULL,
    email          TEXT,
    subject        TEXT NOT NULL,                  -- JSON
    state          TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'offered', 'skipped', 'failed')),
    credential_ref TEXT,                           -- issued_credentials.id
    error          TEXT,
    holder         TEXT,                           -- a DID, or the e-mail of an Atout account
    offer_id       TEXT,                           -- offers.id, for an offered row
    PRIMARY KEY (batch_id, row_number)
);
INSERT INTO batch_rows_new (batch_id, row_number, reference, email, subject, state, credential_ref, error)
    SELECT batch_id, row_number, reference, email, subject, state, credential_ref, error FROM batch_rows;
DROP TABLE batch_rows;
ALTER TABLE batch_rows_new RENAME TO batch_rows;
CREATE INDEX batch_rows_state ON batch_rows (batch_id, state, row_number);
