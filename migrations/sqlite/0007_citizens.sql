-- Citizens: accounts, sessions, single-use email tokens, the mail outbox,
-- passkeys, and the credentials they hold. Deleting a citizen deletes
-- everything below it (ON DELETE CASCADE): erasure is one statement.

CREATE TABLE citizens (
    id                TEXT PRIMARY KEY NOT NULL,
    email             TEXT NOT NULL UNIQUE,            -- lower-cased, trimmed
    display_name      TEXT NOT NULL,
    password_hash     TEXT NOT NULL,                   -- argon2id PHC string
    email_verified_at TEXT,
    holder_did        TEXT NOT NULL UNIQUE,            -- did:key of the holder key
    holder_key_sealed BLOB NOT NULL,                   -- PKCS#8 under the master key (AAD: citizen id)
    vault_key_sealed  BLOB NOT NULL,                   -- the citizen's document key under the master key
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE citizen_sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,            -- SHA-256 of the session token
    citizen_id   TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,                        -- cookie | bearer
    label        TEXT,                                 -- a name for bearer tokens
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX citizen_sessions_citizen ON citizen_sessions (citizen_id);

-- Email verification and password reset links: single use, expiring.
CREATE TABLE citizen_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,                          -- verify-email | reset-password
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX citizen_tokens_citizen ON citizen_tokens (citizen_id, purpose);

-- Failed logins, per normalised email, for rate limiting.
CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

-- Mail to send. Written in the transaction that needs it; a worker sends.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    kind            TEXT NOT NULL,                     -- verify-email, reset-password, offer ...
    citizen_id      TEXT REFERENCES citizens (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);

CREATE TABLE passkeys (
    id           TEXT PRIMARY KEY NOT NULL,            -- credential id, base64url
    citizen_id   TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    passkey      TEXT NOT NULL,                        -- webauthn-rs Passkey (JSON): public key and counter
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX passkeys_citizen ON passkeys (citizen_id);

-- WebAuthn ceremonies in progress (registration or authentication).
CREATE TABLE webauthn_ceremonies (
    id         TEXT PRIMARY KEY NOT NULL,
    citizen_id TEXT REFERENCES citizens (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,                          -- register | authenticate
    state      TEXT NOT NULL,                          -- webauthn-rs state (JSON)
    expires_at TEXT NOT NULL
);

-- Credentials a citizen holds, exactly as received.
CREATE TABLE holdings (
    id            TEXT PRIMARY KEY NOT NULL,
    citizen_id    TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    format        TEXT NOT NULL,                       -- ldp_vc | vc+jwt
    body          TEXT NOT NULL,                       -- verbatim
    credential_id TEXT,                                -- the credential's own id, if any
    issuer        TEXT NOT NULL,                       -- issuer DID
    types         TEXT NOT NULL,                       -- JSON array of types
    title         TEXT NOT NULL,                       -- for lists: achievement or type name
    valid_from    TEXT,
    valid_until   TEXT,
    source        TEXT NOT NULL,                       -- offer | oid4vci | import | archive
    tags          TEXT NOT NULL,                       -- JSON array of strings
    import_report TEXT,                                -- the verification report at import (JSON)
    received_at   TEXT NOT NULL
);
CREATE INDEX holdings_citizen ON holdings (citizen_id, received_at);
