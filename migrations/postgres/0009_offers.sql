-- Credential offers: an organisation offers a credential to a citizen, by
-- email or as a single-use, expiring link (and QR code). The same offer can
-- be taken through OpenID4VCI 1.0 (pre-authorized code flow) by an external
-- wallet: one offer, one credential, whichever way comes first.
--
-- Secrets (the link token, the pre-authorized code, the tx_code, access
-- tokens, nonces) are stored as SHA-256 digests only.

CREATE TABLE offers (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    template_id      TEXT NOT NULL REFERENCES credential_templates (id) ON DELETE RESTRICT,
    token_hash       TEXT NOT NULL UNIQUE,              -- SHA-256 of the link token
    pre_auth_hash    TEXT NOT NULL UNIQUE,              -- SHA-256 of the OpenID4VCI pre-authorized code
    tx_code_hash     TEXT,                              -- SHA-256 of offer id + tx_code, when one was asked for
    tx_attempts      BIGINT NOT NULL  DEFAULT 0,        -- wrong tx_codes so far
    pre_auth_used_at TIMESTAMPTZ,                        -- the code was exchanged (or burnt)
    subject          TEXT NOT NULL,                     -- the subject data (JSON), without id
    email            TEXT,                              -- recipient (normalised), for email offers
    options          TEXT NOT NULL,                     -- proof options (JSON)
    state            TEXT NOT NULL,                     -- pending | accepted | declined | cancelled
    channel          TEXT,                              -- wallet | oid4vci: how it was accepted
    citizen_id       TEXT REFERENCES citizens (id) ON DELETE SET NULL, -- who accepted or declined in the wallet
    credential_ref   TEXT,                              -- issued_credentials.id once accepted
    created_by       TEXT NOT NULL,                     -- actor label
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ                        -- accepted, declined or cancelled at
);
CREATE INDEX offers_org ON offers (org_id, created_at);
CREATE INDEX offers_email ON offers (email, state);

-- OpenID4VCI access tokens (from the token endpoint): short-lived, single use.
CREATE TABLE oid4vci_tokens (
    token_hash TEXT PRIMARY KEY,
    offer_id   TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX oid4vci_tokens_offer ON oid4vci_tokens (offer_id);

-- OpenID4VCI c_nonce values (from the nonce endpoint): single use, expiring.
CREATE TABLE oid4vci_nonces (
    nonce_hash TEXT PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oid4vci_nonces_expiry ON oid4vci_nonces (expires_at);
