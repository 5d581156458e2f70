-- Foundation: organisations, their signing keys, API keys, the audit log,
-- and issued credentials stored verbatim.
-- Ids are generated in Rust (TEXT); timestamps are bound from Rust in UTC.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    name_fr    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE signing_keys (
    id                   TEXT PRIMARY KEY NOT NULL,
    owner                TEXT NOT NULL,              -- 'platform' or an organisation id
    org_id               TEXT REFERENCES organisations (id) ON DELETE RESTRICT,
    fragment             TEXT NOT NULL,              -- verification method fragment: key-N
    algorithm            TEXT NOT NULL CHECK (algorithm IN ('Ed25519', 'P-256')),
    public_key_multibase TEXT NOT NULL,
    sealed_private_key   BLOB NOT NULL,              -- AES-256-GCM under the master key
    status               TEXT NOT NULL CHECK (status IN ('active', 'retired', 'withdrawn')),
    created_at           TEXT NOT NULL,
    retired_at           TEXT,
    withdrawn_at         TEXT,
    UNIQUE (owner, fragment),
    CHECK ((owner = 'platform') = (org_id IS NULL))
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (owner, algorithm) WHERE status = 'active';

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,               -- SHA-256 of the key; the key is shown once
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    at         TEXT NOT NULL,
    org_id     TEXT,                                 -- NULL: platform-level entry
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    request_id TEXT,
    details    TEXT                                  -- JSON
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE issued_credentials (
    id            TEXT PRIMARY KEY NOT NULL,
    org_id        TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    credential_id TEXT NOT NULL UNIQUE,
    format        TEXT NOT NULL,
    body          TEXT NOT NULL,                     -- exactly as issued, never re-serialised
    issued_at     TEXT NOT NULL
);
CREATE INDEX issued_credentials_org ON issued_credentials (org_id, issued_at);

CREATE TRIGGER issued_credentials_body_immutable BEFORE UPDATE OF body ON issued_credentials
BEGIN
    SELECT RAISE(ABORT, 'a signed credential is stored as issued and never rewritten');
END;
