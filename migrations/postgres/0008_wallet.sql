-- What a citizen writes about their path (entries) and keeps (documents of
-- the vault). Both hang from the citizen: erased with the account.

CREATE TABLE entries (
    id           TEXT PRIMARY KEY,
    citizen_id   TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,                        -- experience | education | skill | language | project | interest
    title        TEXT NOT NULL,                        -- role, degree, skill, language, project or interest
    organisation TEXT,                                 -- employer, school
    place        TEXT,
    start_date   TEXT,                                 -- ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD (text in both databases)
    end_date     TEXT,
    description  TEXT,
    details      TEXT NOT NULL,                        -- JSON: kind-specific (CEFR levels, framework codes, url, keywords)
    holding_id   TEXT REFERENCES holdings (id) ON DELETE SET NULL, -- the credential that certifies it
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX entries_citizen ON entries (citizen_id, start_date);

-- Files of the vault. The bytes live in the object store, encrypted with a
-- key of their own, which is stored here wrapped by the citizen's key.
CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    citizen_id   TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,                        -- the file name given at upload (display only)
    content_type TEXT NOT NULL,                        -- sniffed from the bytes
    size         BIGINT NOT NULL,                     -- plaintext bytes
    sha256       TEXT NOT NULL,                        -- of the plaintext
    object_key   TEXT NOT NULL UNIQUE,                 -- path in the object store (random, never from input)
    wrapped_key  BYTEA NOT NULL,                        -- the file key under the citizen's key
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_citizen ON documents (citizen_id, created_at);

CREATE TABLE entry_documents (
    entry_id    TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, document_id)
);
CREATE INDEX entry_documents_document ON entry_documents (document_id);
