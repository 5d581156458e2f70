-- Invitations: the citizen invites a person, by email, with one role over
-- chosen parts of the portfolio: reader (sees them), contributor (may
-- comment and suggest entries, which the citizen approves or rejects),
-- certifier (may endorse the chosen entries). An invitation expires and can
-- be revoked; every use is logged for the citizen.
--
-- The invited person acts through the invitation's link after confirming
-- their email (a code sent to it), with or without an account. A certifier
-- signs endorsements with a did:key made for the invitation (sealed under
-- the master key), or with their own holder key when they have an account.

CREATE TABLE invitations (
    id                 TEXT PRIMARY KEY NOT NULL,
    citizen_id         TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    token_hash         TEXT NOT NULL UNIQUE,   -- SHA-256 of the link token
    token_sealed       BLOB NOT NULL,          -- the token, sealed under the citizen's key
    role               TEXT NOT NULL,          -- reader | contributor | certifier
    email              TEXT NOT NULL,          -- the invited person's (normalised)
    message            TEXT,                   -- a word from the citizen
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    revoked_at         TEXT,
    code_hash          TEXT,                   -- SHA-256 of the last code mailed (id + code)
    code_expires_at    TEXT,
    code_attempts      INTEGER NOT NULL DEFAULT 0,
    confirmed_at       TEXT,                   -- the email was confirmed
    invitee_name       TEXT,                   -- as the invited person gave it
    invitee_citizen_id TEXT REFERENCES citizens (id) ON DELETE SET NULL, -- their account, if any
    signer_did         TEXT,                   -- the did:key endorsements are signed with
    signer_key_sealed  BLOB                    -- its private key, sealed (AAD: the invitation id)
);
CREATE INDEX invitations_citizen ON invitations (citizen_id, created_at);

-- What an invitation covers: exactly one of a holding, an entry or a document.
CREATE TABLE invitation_items (
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    holding_id    TEXT REFERENCES holdings (id) ON DELETE CASCADE,
    entry_id      TEXT REFERENCES entries (id) ON DELETE CASCADE,
    document_id   TEXT REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, position),
    CHECK ((holding_id IS NOT NULL) + (entry_id IS NOT NULL) + (document_id IS NOT NULL) = 1)
);
CREATE INDEX invitation_items_entry ON invitation_items (entry_id);
CREATE INDEX invitation_items_holding ON invitation_items (holding_id);
CREATE INDEX invitation_items_document ON invitation_items (document_id);

-- Sessions of invited people (bearer tokens `ati_...`, stored as SHA-256).
CREATE TABLE invitation_sessions (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX invitation_sessions_invitation ON invitation_sessions (invitation_id);

-- Every use of an invitation, for the citizen.
CREATE TABLE invitation_accesses (
    id            TEXT PRIMARY KEY NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    action        TEXT NOT NULL,   -- opened | code-sent | code-wrong | confirmed | read | suggested | commented | endorsed | endorsement-revoked | refused
    detail        TEXT
);
CREATE INDEX invitation_accesses_invitation ON invitation_accesses (invitation_id, at);

-- Comments and suggested entries from contributors, for the citizen to
-- approve or reject.
CREATE TABLE suggestions (
    id               TEXT PRIMARY KEY NOT NULL,
    citizen_id       TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    invitation_id    TEXT REFERENCES invitations (id) ON DELETE SET NULL,
    author           TEXT NOT NULL,   -- the invited person's name and email, as shown
    kind             TEXT NOT NULL,   -- comment | entry
    entry_id         TEXT REFERENCES entries (id) ON DELETE CASCADE, -- what a comment is about
    body             TEXT NOT NULL,   -- the comment's text, or the suggested entry (JSON)
    state            TEXT NOT NULL,   -- pending | approved | rejected
    created_at       TEXT NOT NULL,
    decided_at       TEXT,
    created_entry_id TEXT REFERENCES entries (id) ON DELETE SET NULL
);
CREATE INDEX suggestions_citizen ON suggestions (citizen_id, state, created_at);

-- Peer endorsements: Open Badges 3.0 EndorsementCredentials about an entry,
-- signed by their author, kept exactly as signed.
CREATE TABLE endorsements (
    id            TEXT PRIMARY KEY NOT NULL,
    citizen_id    TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    entry_id      TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    invitation_id TEXT REFERENCES invitations (id) ON DELETE SET NULL,
    author_did    TEXT NOT NULL,
    author_name   TEXT NOT NULL,
    comment       TEXT NOT NULL,
    credential    TEXT NOT NULL,  -- the signed EndorsementCredential (JSON)
    created_at    TEXT NOT NULL,
    hidden_at     TEXT,           -- the citizen hid it
    revoked_at    TEXT            -- its author withdrew it
);
CREATE INDEX endorsements_entry ON endorsements (entry_id);
CREATE INDEX endorsements_citizen ON endorsements (citizen_id, created_at);
