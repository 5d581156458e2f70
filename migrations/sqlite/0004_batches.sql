-- Bulk issuance: a batch of rows issued from a template, resumable.

CREATE TABLE batches (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    template_id TEXT NOT NULL,
    options     TEXT NOT NULL,                     -- JSON: cryptosuite / format / alg
    actor       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'done')),
    total       INTEGER NOT NULL,
    issued      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,                              -- a worker holds the batch until then
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX batches_org ON batches (org_id, created_at);

CREATE TABLE batch_rows (
    batch_id       TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    row_number     INTEGER NOT NULL,
    reference      TEXT NOT NULL,
    email          TEXT,
    subject        TEXT NOT NULL,                  -- JSON
    state          TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'skipped', 'failed')),
    credential_ref TEXT,                           -- issued_credentials.id
    error          TEXT,
    PRIMARY KEY (batch_id, row_number)
);
CREATE INDEX batch_rows_state ON batch_rows (batch_id, state, row_number);
