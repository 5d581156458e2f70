-- Bulk issuance: a batch of rows issued from a template, resumable.

CREATE TABLE batches (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    template_id TEXT NOT NULL,
    options     TEXT NOT NULL,                     -- JSON: cryptosuite / format / alg
    actor       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'done')),
    total       BIGINT NOT NULL,
    issued      BIGINT NOT NULL DEFAULT 0,
    skipped     BIGINT NOT NULL DEFAULT 0,
    failed      BIGINT NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ,                            -- a worker holds the batch until then
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX batches_org ON batches (org_id, created_at);

CREATE TABLE batch_rows (
    batch_id       TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    row_number     BIGINT NOT NULL,
    reference      TEXT NOT NULL,
    email          TEXT,
    subject        TEXT NOT NULL,                  -- JSON
    state          TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'skipped', 'failed')),
    credential_ref TEXT,                           -- issued_credentials.id
    error          TEXT,
    PRIMARY KEY (batch_id, row_number)
);
CREATE INDEX batch_rows_state ON batch_rows (batch_id, state, row_number);
