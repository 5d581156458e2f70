-- Certification requests: a citizen asks an organisation to certify an
-- entry they declared (a diploma from 2012, say), attaching documents. The
-- organisation approves by issuing a credential from one of its templates,
-- delivered to the citizen's wallet and linked to the entry (certified), or
-- rejects with a reason. The citizen sees the outcome.

CREATE TABLE certification_requests (
    id             TEXT PRIMARY KEY,
    citizen_id     TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    entry_id       TEXT REFERENCES entries (id) ON DELETE SET NULL,
    org_id         TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    message        TEXT,                  -- the citizen's word to the organisation
    entry_snapshot TEXT NOT NULL,         -- the entry as it was asked about (JSON)
    citizen_name   TEXT NOT NULL,         -- the citizen's display name then
    state          TEXT NOT NULL,         -- pending | approved | rejected | cancelled
    reason         TEXT,                  -- why it was rejected
    created_at     TIMESTAMPTZ NOT NULL,
    decided_at     TIMESTAMPTZ,
    decided_by     TEXT,                  -- actor label
    credential_ref TEXT,                  -- issued_credentials.id once approved
    holding_id     TEXT REFERENCES holdings (id) ON DELETE SET NULL
);
CREATE INDEX certification_requests_citizen ON certification_requests (citizen_id, created_at);
CREATE INDEX certification_requests_org ON certification_requests (org_id, state, created_at);

CREATE TABLE certification_request_documents (
    request_id  TEXT NOT NULL REFERENCES certification_requests (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (request_id, document_id)
);
CREATE INDEX certification_request_documents_document ON certification_request_documents (document_id);
