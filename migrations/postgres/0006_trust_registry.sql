-- The trust registry: issuers the region accredits (a verifier names an
-- issuer only from here, never from the credential's claims), and the
-- verification links of issued credentials.

CREATE TABLE trusted_issuers (
    did               TEXT PRIMARY KEY,                -- did:web or did:key, validated in Rust
    name_fr           TEXT NOT NULL,                   -- official names
    name_en           TEXT NOT NULL,
    accreditation     TEXT NOT NULL,                   -- e.g. "Certificateur RNCP, France Compétences"
    accreditation_url TEXT,                            -- https
    valid_from        TIMESTAMPTZ NOT NULL,
    valid_until       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);

CREATE TABLE verification_links (
    token          TEXT PRIMARY KEY,                   -- base64url of 16 random bytes (22 characters)
    credential_ref TEXT NOT NULL UNIQUE REFERENCES issued_credentials (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL
);
