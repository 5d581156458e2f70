-- The public directory of organisations (issue 16): what an organisation
-- says of itself, whether it is listed, and which of its templates it
-- shows. `search_folded` and `town_folded` are computed in Rust
-- (`atout_core::directory::fold`: lower case, accents and punctuation
-- removed) on every write, so a search works the same on SQLite and
-- PostgreSQL; rows written before this migration are folded at start-up
-- (they are NULL until then).
ALTER TABLE organisations ADD COLUMN description TEXT;
ALTER TABLE organisations ADD COLUMN town TEXT;
ALTER TABLE organisations ADD COLUMN kind TEXT;           -- university, school, training, employer, public, association, other
ALTER TABLE organisations ADD COLUMN website TEXT;        -- https
ALTER TABLE organisations ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN search_folded TEXT;
ALTER TABLE organisations ADD COLUMN town_folded TEXT;
CREATE INDEX organisations_listed ON organisations (listed, search_folded);

-- A template shown in the organisation's directory page (0: private).
ALTER TABLE credential_templates ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
