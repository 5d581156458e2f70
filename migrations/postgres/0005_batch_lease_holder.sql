-- The worker holding a batch's lease: only it may renew the lease.
ALTER TABLE batches ADD COLUMN lease_holder TEXT;
