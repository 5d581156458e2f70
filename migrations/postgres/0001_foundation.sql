-- Foundation: organisations, their signing keys, API keys, the audit log,
-- and issued credentials stored verbatim.
-- Ids are generated in Rust (TEXT); timestamps are bound from Rust in UTC.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name_fr    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE signing_keys (
    id                   TEXT PRIMARY KEY,
    owner                TEXT NOT NULL,              -- 'platform' or an organisation id
    org_id               TEXT REFERENCES organisations (id) ON DELETE RESTRICT,
    fragment             TEXT NOT NULL,              -- verification method fragment: key-N
    algorithm            TEXT NOT NULL CHECK (algorithm IN ('Ed25519', 'P-256')),
    public_key_multibase TEXT NOT NULL,
    sealed_private_key   BYTEA NOT NULL,             -- AES-256-GCM under the master key
    status               TEXT NOT NULL CHECK (status IN ('active', 'retired', 'withdrawn')),
    created_at           TIMESTAMPTZ NOT NULL,
    retired_at           TIMESTAMPTZ,
    withdrawn_at         TIMESTAMPTZ,
    UNIQUE (owner, fragment),
    CHECK ((owner = 'platform') = (org_id IS NULL))
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (owner, algorithm) WHERE status = 'active';

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,               -- SHA-256 of the key; the key is shown once
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE audit_log (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    at         TIMESTAMPTZ NOT NULL,
    org_id     TEXT,                                 -- NULL: platform-level entry
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    request_id TEXT,
    details    TEXT                                  -- JSON
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

CREATE FUNCTION atout_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION atout_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION atout_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION atout_append_only();

CREATE TABLE issued_credentials (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    credential_id TEXT NOT NULL UNIQUE,
    format        TEXT NOT NULL,
    body          TEXT NOT NULL,                     -- exactly as issued, never re-serialised
    issued_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX issued_credentials_org ON issued_credentials (org_id, issued_at);

CREATE FUNCTION atout_body_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.body IS DISTINCT FROM OLD.body THEN
        RAISE EXCEPTION 'a signed credential is stored as issued and never rewritten';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER issued_credentials_body_immutable BEFORE UPDATE ON issued_credentials
    FOR EACH ROW EXECUTE FUNCTION atout_body_immutable();
