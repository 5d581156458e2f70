-- Bitstring Status Lists (revocation and suspension), per organisation.
-- A status bit lives in its allocation row, so concurrent updates of one
-- list never overwrite each other; the bitstring is computed when the list
-- credential is (re)signed, and cached with the version it reflects.

CREATE TABLE status_lists (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    purpose           TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    number            BIGINT NOT NULL,              -- served at /orgs/{slug}/status/{purpose}-{number}
    size              BIGINT NOT NULL,              -- bits (at least 131072)
    allocated         BIGINT NOT NULL DEFAULT 0,
    open              BIGINT NOT NULL DEFAULT 1,    -- 1 while new credentials get entries here
    version           BIGINT NOT NULL DEFAULT 0,    -- bumped by every status change
    signed_version    BIGINT NOT NULL DEFAULT -1,   -- the version `signed` reflects
    signed            TEXT,                         -- the signed BitstringStatusListCredential
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, purpose, number)
);

CREATE TABLE status_entries (
    list_id        TEXT NOT NULL REFERENCES status_lists (id) ON DELETE RESTRICT,
    idx            BIGINT NOT NULL,
    credential_ref TEXT NOT NULL,                   -- issued_credentials.id
    purpose        TEXT NOT NULL,
    status         BIGINT NOT NULL DEFAULT 0,       -- the bit
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (list_id, idx)
);
CREATE UNIQUE INDEX status_entries_credential ON status_entries (credential_ref, purpose);
CREATE INDEX status_entries_set ON status_entries (list_id, status);
