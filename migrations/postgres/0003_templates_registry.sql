-- Credential templates, and registry fields on issued credentials.

CREATE TABLE credential_templates (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    name_fr         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    credential_type TEXT NOT NULL,                  -- e.g. DiplomaCredential, OpenBadgeCredential
    subject_schema  TEXT NOT NULL,                  -- JSON Schema of the subject data
    achievement     TEXT,                           -- Open Badges 3.0 Achievement (JSON), if a badge
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX credential_templates_org ON credential_templates (org_id);

ALTER TABLE issued_credentials ADD COLUMN template_id TEXT;
ALTER TABLE issued_credentials ADD COLUMN reference TEXT;      -- the organisation's own reference (idempotency)
ALTER TABLE issued_credentials ADD COLUMN subject_name TEXT;   -- for the registry search, not in the credential
ALTER TABLE issued_credentials ADD COLUMN subject_email TEXT;  -- idem
CREATE UNIQUE INDEX issued_credentials_reference ON issued_credentials (org_id, reference)
    WHERE reference IS NOT NULL;
CREATE INDEX issued_credentials_template ON issued_credentials (org_id, template_id);
