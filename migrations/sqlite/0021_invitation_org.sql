-- An invitation to certify may name the organisation the endorsement is
-- asked of (picked from the public directory): the certifier must then
-- sign for it, with one of its API keys (`X-Org-Authorization`), and the
-- endorsement is signed with the organisation's did:web key. NULL: the
-- certifier endorses as themselves (or for any organisation whose key
-- they send), as before.
ALTER TABLE invitations ADD COLUMN org_id TEXT REFERENCES organisations (id) ON DELETE SET NULL;
