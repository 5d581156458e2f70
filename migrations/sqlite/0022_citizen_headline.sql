-- A citizen's headline ("Développeuse Rust, 5 ans d'expérience"): shown
-- beside their name on the pages of their shares, carried by the export.
-- NULL: none.
ALTER TABLE citizens ADD COLUMN headline TEXT;
