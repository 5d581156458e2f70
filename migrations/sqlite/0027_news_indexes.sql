-- Notifications of status changes find the holders of a credential by its
-- id; the expiry sweep reads holdings by the end of their validity.
CREATE INDEX holdings_credential ON holdings (credential_id);
CREATE INDEX holdings_valid_until ON holdings (valid_until);
