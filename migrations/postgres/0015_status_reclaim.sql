-- Status entries of credentials never recorded (a process killed between
-- allocating a chunk's entries and writing its credentials) are reclaimed.
-- Each allocation leaves one row here per credential, in the allocating
-- transaction; recording the credential deletes it in the recording
-- transaction. A row whose allocation is older than the lease (see
-- docs/DEVELOPMENT.md) is reclaimed: its entries are freed and the row is
-- kept as a tombstone (`reclaimed_at`), so that a late attempt to record
-- that credential is refused instead of pointing at freed indexes.

CREATE TABLE status_leases (
    credential_ref TEXT PRIMARY KEY,            -- the issued_credentials.id to be
    org_id         TEXT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    allocated_at   TIMESTAMPTZ NOT NULL,
    reclaimed_at   TIMESTAMPTZ                  -- set when the entries were freed
);
CREATE INDEX status_leases_due ON status_leases (allocated_at) WHERE reclaimed_at IS NULL;

-- Entries leaked before this version: leased from their allocation time
-- (an unrecorded entry's updated_at never changes).
INSERT INTO status_leases (credential_ref, org_id, allocated_at, reclaimed_at)
SELECT e.credential_ref, MIN(l.org_id), MIN(e.updated_at), NULL
FROM status_entries e JOIN status_lists l ON l.id = e.list_id
WHERE NOT EXISTS (SELECT 1 FROM issued_credentials c WHERE c.id = e.credential_ref)
GROUP BY e.credential_ref;

-- Released entries were not counted down before this version.
UPDATE status_lists
SET allocated = (SELECT COUNT(*) FROM status_entries e WHERE e.list_id = status_lists.id);
