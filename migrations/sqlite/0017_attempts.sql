-- Attempt counters of limited actions (login, share PIN, reset mail...):
-- one row per scope and subject, a fixed window that starts at its first
-- attempt (Unix seconds). Replaces login_failures.
CREATE TABLE attempts (
    scope        TEXT NOT NULL,
    subject      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX attempts_window ON attempts (window_start);

DROP TABLE login_failures;
