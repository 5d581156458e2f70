-- Shares: the citizen picks credentials, entries and documents and hands
-- out an unguessable short link (and its QR code). A share may expire, may
-- ask for a PIN, and can be revoked at once; every opening is logged for the
-- citizen to read. Everything goes with the account (ON DELETE CASCADE).
--
-- The link token is found by its SHA-256 and kept sealed under the citizen's
-- own key (so that the citizen can show the link again); the PIN is kept as
-- an argon2id hash.

CREATE TABLE shares (
    id            TEXT PRIMARY KEY NOT NULL,
    citizen_id    TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,        -- SHA-256 of the link token
    token_sealed  BLOB NOT NULL,        -- the token, sealed under the citizen's key (to show the link again)
    label         TEXT NOT NULL,               -- the citizen's name for it
    pin_hash      TEXT,                        -- argon2id PHC string, when a PIN is asked
    pin_failures  INTEGER NOT NULL DEFAULT 0,  -- wrong PINs since the last right one
    pin_locked_until TEXT,                     -- too many wrong PINs: closed until then
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT
);
CREATE INDEX shares_citizen ON shares (citizen_id, created_at);

-- What a share shows: exactly one of a holding, an entry or a document.
CREATE TABLE share_items (
    share_id    TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    holding_id  TEXT REFERENCES holdings (id) ON DELETE CASCADE,
    entry_id    TEXT REFERENCES entries (id) ON DELETE CASCADE,
    document_id TEXT REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (share_id, position),
    CHECK ((holding_id IS NOT NULL) + (entry_id IS NOT NULL) + (document_id IS NOT NULL) = 1)
);
CREATE INDEX share_items_holding ON share_items (holding_id);
CREATE INDEX share_items_entry ON share_items (entry_id);
CREATE INDEX share_items_document ON share_items (document_id);

-- Every opening (and refusal) of a share, for its owner.
CREATE TABLE share_accesses (
    id         TEXT PRIMARY KEY NOT NULL,
    share_id   TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    outcome    TEXT NOT NULL,   -- opened | presented | pin-required | pin-wrong | pin-locked | expired | revoked
    verifier   TEXT,            -- the domain a verifier bound the presentation to, when it gave one
    user_agent TEXT             -- cut to 200 characters
);
CREATE INDEX share_accesses_share ON share_accesses (share_id, at);
