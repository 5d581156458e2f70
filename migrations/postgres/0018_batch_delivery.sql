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
ALTER TABLE offers ADD COLUMN opened_at TIMESTAMPTZ;
ALTER TABLE offers ADD COLUMN mailed_at TIMESTAMPTZ;
ALTER TABLE offers ADD COLUMN reminded_at TIMESTAMPTZ;
ALTER TABLE offers ADD COLUMN mail_id TEXT;
CREATE INDEX offers_batch ON offers (batch_id);
CREATE UNIQUE INDEX offers_reference ON offers (org_id, reference);
CREATE INDEX offers_reminder ON offers (state, reminded_at, expires_at);

-- A message the mail server refused for good (or after too many attempts):
-- no more attempts.
ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMPTZ;

-- Rows counted as offered.
ALTER TABLE batches ADD COLUMN offered BIGINT NOT NULL DEFAULT 0;

-- Rows: the new state `offered`, the `holder` column (a DID or an account's
-- e-mail) and the row's offer.
ALTER TABLE batch_rows DROP CONSTRAINT batch_rows_state_check;
ALTER TABLE batch_rows ADD CONSTRAINT batch_rows_state_check
    CHECK (state IN ('pending', 'issued', 'offered', 'skipped', 'failed'));
ALTER TABLE batch_rows ADD COLUMN holder TEXT;
ALTER TABLE batch_rows ADD COLUMN offer_id TEXT;
