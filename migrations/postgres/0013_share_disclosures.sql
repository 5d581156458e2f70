-- Selective disclosure in shares: for an SD-JWT VC a share shows, the
-- claims it discloses (JSON array of paths, each an array of names); a
-- credential without a row here discloses every claim.
CREATE TABLE share_disclosures (
    share_id   TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    holding_id TEXT NOT NULL REFERENCES holdings (id) ON DELETE CASCADE,
    paths      TEXT NOT NULL,
    PRIMARY KEY (share_id, holding_id)
);
