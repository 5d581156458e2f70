-- Organisations identified by a did:key (small issuers without a domain)
-- instead of the platform's did:web: their DID, did:key:z6Mk..., is that of
-- their one Ed25519 key; NULL for did:web organisations. A did:key cannot
-- rotate, so the column never changes once written.
ALTER TABLE organisations ADD COLUMN did_key TEXT;
CREATE UNIQUE INDEX organisations_did_key ON organisations (did_key) WHERE did_key IS NOT NULL;
