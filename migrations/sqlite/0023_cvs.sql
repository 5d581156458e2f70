-- CVs and public profile pages (issue 17).
--
-- A CV is the citizen's saved selection and order of their entries and
-- credentials, with what it says of them (headline, presentation, the
-- contact lines they chose), a language, a design, and the occupation it
-- targets (a contextual CV). Its online version is a share made for it
-- (`share_id`: the latest; earlier versions' shares stay until revoked or
-- expired, so that a PDF printed earlier still verifies).
CREATE TABLE cvs (
    id                TEXT PRIMARY KEY NOT NULL,
    citizen_id        TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    title             TEXT NOT NULL,        -- the citizen's name for it ("Infirmière – CHU de Tours")
    lang              TEXT NOT NULL,        -- fr | en
    design            TEXT NOT NULL,        -- classic | modern | compact
    target            TEXT,                 -- JSON {"text", "framework"?, "code"?}: the occupation aimed at
    headline          TEXT,
    presentation      TEXT,
    contact           TEXT NOT NULL,        -- JSON [{"kind", "value"}]: what the citizen shows
    photo_document_id TEXT REFERENCES documents (id) ON DELETE SET NULL,
    sections          TEXT NOT NULL,        -- JSON array: the order of the sections' kinds
    share_id          TEXT REFERENCES shares (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX cvs_citizen ON cvs (citizen_id, created_at);

-- What a CV shows, in order: exactly one of an entry or a credential.
CREATE TABLE cv_items (
    cv_id      TEXT NOT NULL REFERENCES cvs (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    holding_id TEXT REFERENCES holdings (id) ON DELETE CASCADE,
    entry_id   TEXT REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (cv_id, position),
    CHECK ((holding_id IS NOT NULL) + (entry_id IS NOT NULL) = 1)
);
CREATE INDEX cv_items_holding ON cv_items (holding_id);
CREATE INDEX cv_items_entry ON cv_items (entry_id);

-- The public profile page `/p/{handle}` (opt-in: no row, no page). What
-- it shows is the items of its share (`share_id`), whose links verify its
-- credentials; `published` 0 takes the page down at once; `indexable` 0
-- asks search engines not to index it. Changing the handle frees the old
-- one at once.
CREATE TABLE public_profiles (
    citizen_id   TEXT PRIMARY KEY NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    handle       TEXT NOT NULL UNIQUE,
    published    INTEGER NOT NULL DEFAULT 0,
    indexable    INTEGER NOT NULL DEFAULT 0,
    lang         TEXT NOT NULL,
    presentation TEXT,
    share_id     TEXT REFERENCES shares (id) ON DELETE SET NULL,
    updated_at   TEXT NOT NULL
);
