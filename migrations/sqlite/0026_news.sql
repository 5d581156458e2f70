-- Get informed (issue 19): events published by organisations and by the
-- platform's administrators, what citizens follow, star and register for,
-- their personal calendar feed, and notifications (in the app and by mail).
-- Times are UTC; pages show and read them in Europe/Paris.

-- Where a citizen lives (their département: the news feed ranks events near
-- them first) and the language their mails are written in.
ALTER TABLE citizens ADD COLUMN department TEXT;
ALTER TABLE citizens ADD COLUMN lang TEXT;                 -- fr | en; NULL: fr
-- Where an organisation's notifications are mailed (new certification
-- requests, declined or expired offers); NULL: in the console only.
ALTER TABLE organisations ADD COLUMN notify_email TEXT;

CREATE TABLE events (
    id               TEXT PRIMARY KEY NOT NULL,
    org_id           TEXT REFERENCES organisations (id) ON DELETE CASCADE, -- NULL: a region-wide event of the platform
    kind             TEXT NOT NULL,                    -- job-fair | open-day | info-session | training-session | recruitment | workshop | other
    title_fr         TEXT,                             -- at least one title
    title_en         TEXT,
    description_fr   TEXT,
    description_en   TEXT,
    starts_at        TEXT NOT NULL,
    ends_at          TEXT NOT NULL,
    online_url       TEXT,                             -- https: an online event (or one that is both)
    address          TEXT,
    commune          TEXT,
    department       TEXT,                             -- 37, 2A, 971; NULL for an online-only event
    audience         TEXT NOT NULL,                    -- all | job-seekers | students | young | employees | employers
    capacity         INTEGER,                              -- places for registration in Atout; NULL: no limit
    registration     TEXT NOT NULL,                    -- none | external | atout
    registration_url TEXT,                             -- https, for external
    status           TEXT NOT NULL,                    -- draft | published | cancelled
    cancel_reason    TEXT,
    sequence         INTEGER NOT NULL DEFAULT 0,           -- iCalendar SEQUENCE: raised by each change once published
    search_folded    TEXT NOT NULL,                    -- titles, commune, tags' labels: folded for search
    created_by       TEXT,                             -- who wrote it (audit): org API key name, admin
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    published_at     TEXT,
    cancelled_at     TEXT
);
CREATE INDEX events_listing ON events (status, starts_at);
CREATE INDEX events_org ON events (org_id, starts_at);
CREATE INDEX events_department ON events (department, status, starts_at);
CREATE INDEX events_published ON events (status, published_at);

-- Tags: framework codes (tag 'rome:M1805', 'esco:<uri>', 'rncp:RNCP35830')
-- and free tags ('free:<folded text>').
CREATE TABLE event_tags (
    event_id  TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    framework TEXT,
    code      TEXT,
    version   TEXT,
    label     TEXT NOT NULL,
    PRIMARY KEY (event_id, tag)
);
CREATE INDEX event_tags_tag ON event_tags (tag, event_id);

-- A citizen's registrations (in Atout) and stars. One row per pair.
CREATE TABLE event_attendees (
    event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    citizen_id    TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    registered_at TEXT,                                  -- NULL: starred only
    starred_at    TEXT,
    reminded_at   TEXT,                                  -- the reminder before the start was queued
    PRIMARY KEY (event_id, citizen_id)
);
CREATE INDEX event_attendees_citizen ON event_attendees (citizen_id);

-- What a citizen follows: 'org:<organisation id>' or a tag as above.
CREATE TABLE follows (
    citizen_id TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    target     TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (citizen_id, target)
);
CREATE INDEX follows_target ON follows (target);

-- The personal calendar feed: a secret URL, read-only, revocable (a new
-- token replaces the old one; deleting it revokes).
CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY NOT NULL,              -- SHA-256 of the token
    citizen_id TEXT NOT NULL UNIQUE REFERENCES citizens (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_read_at TEXT
);

-- Notifications, for a citizen or for an organisation. `params` is JSON (the
-- values the message shows); `dedupe`, when set, makes the same notice
-- (one credential's expiry, one reminder) exist once.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY NOT NULL,
    citizen_id TEXT REFERENCES citizens (id) ON DELETE CASCADE,
    org_id     TEXT REFERENCES organisations (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    params     TEXT NOT NULL,
    link       TEXT,                                   -- a path of this site
    dedupe     TEXT UNIQUE,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    mail_state TEXT NOT NULL,                          -- pending | sent | skipped
    mailed_at  TEXT,
    CHECK ((citizen_id IS NULL) <> (org_id IS NULL))
);
CREATE INDEX notifications_citizen ON notifications (citizen_id, created_at);
CREATE INDEX notifications_org ON notifications (org_id, created_at);
CREATE INDEX notifications_mail ON notifications (mail_state, created_at);

-- A citizen's choice of mail per kind of notification; no row: the kind's
-- default (on, except the weekly digest).
CREATE TABLE notification_prefs (
    citizen_id TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    mail       INTEGER NOT NULL,                           -- 1: mailed, 0: in the app only
    PRIMARY KEY (citizen_id, kind)
);

-- The weekly digest: one row per week, taken by one process (lease).
CREATE TABLE digest_runs (
    week        TEXT PRIMARY KEY NOT NULL,             -- ISO week, 2026-W50
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    citizens    INTEGER NOT NULL DEFAULT 0,
    queued      INTEGER NOT NULL DEFAULT 0
);

-- Mails with an HTML part and a one-click unsubscribe (RFC 8058).
ALTER TABLE outbox ADD COLUMN html TEXT;
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
