-- Reference frameworks (issue 18): ESCO (with ISCO-08 groups), ROME 4.0
-- (with the NAF sectors crosswalk), RNCP and RS, as their publishers'
-- files give them, version by version.
--
-- A version is one import family (`esco`, `rome`, `rncp`) at one published
-- version; several languages of one version merge into it. A newer version
-- is imported beside the older one, which stays (status `retired`) so that
-- codes written against it still resolve; codes that disappeared are listed
-- in the new version's report, never deleted. Wallet data keeps codes as
-- strings (framework + code + the version they were written against), never
-- as foreign keys into these tables.
CREATE TABLE framework_versions (
    id           TEXT PRIMARY KEY NOT NULL,
    family       TEXT NOT NULL,             -- esco | rome | rncp
    version      TEXT NOT NULL,             -- as the publisher names it: v1.2.0, 4.0 (2025-09), 2026-12-01
    published_on TEXT,                      -- the publisher's date of this version (YYYY-MM-DD), when known
    source       TEXT NOT NULL,             -- the files imported (names), for the about page
    languages    TEXT NOT NULL,             -- JSON array of the label languages merged so far
    status       TEXT NOT NULL,             -- active | retired
    counts       TEXT NOT NULL,             -- JSON: concepts by framework and kind, links by relation
    report       TEXT NOT NULL,             -- JSON: lines skipped, codes gone since the previous version
    imported_by  TEXT,
    imported_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (family, version)
);

CREATE TABLE concepts (
    version_id TEXT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    framework  TEXT NOT NULL,               -- ESCO | ISCO | ROME | NAF | RNCP | RS
    code       TEXT NOT NULL,               -- ESCO URI, ISCO digits, ROME code, NAF division, RNCP…/RS…
    kind       TEXT NOT NULL,               -- occupation | skill | knowledge | isco-group | certification | sector
    parent     TEXT,                        -- ISCO group of an occupation or of a group
    level      TEXT,                        -- RNCP/RS: European level
    active     INTEGER NOT NULL,
    skill_type TEXT,
    extra      TEXT,                        -- JSON {"blocks": [...], "certifiers": [...]}
    PRIMARY KEY (version_id, framework, code)
);
CREATE INDEX concepts_code ON concepts (framework, code);

CREATE TABLE concept_labels (
    version_id TEXT NOT NULL,
    framework  TEXT NOT NULL,
    code       TEXT NOT NULL,
    lang       TEXT NOT NULL,
    position   INTEGER NOT NULL,            -- 0 = preferred (when there is one), then alternatives
    label      TEXT NOT NULL,
    preferred  INTEGER NOT NULL,
    guessed    INTEGER NOT NULL,            -- not the publisher's label: a best guess, never put in a credential
    PRIMARY KEY (version_id, framework, code, lang, position),
    FOREIGN KEY (version_id, framework, code) REFERENCES concepts (version_id, framework, code) ON DELETE CASCADE
);

CREATE TABLE concept_descriptions (
    version_id  TEXT NOT NULL,
    framework   TEXT NOT NULL,
    code        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (version_id, framework, code, lang),
    FOREIGN KEY (version_id, framework, code) REFERENCES concepts (version_id, framework, code) ON DELETE CASCADE
);

CREATE TABLE concept_links (
    version_id     TEXT NOT NULL REFERENCES framework_versions (id) ON DELETE CASCADE,
    from_framework TEXT NOT NULL,
    from_code      TEXT NOT NULL,
    relation       TEXT NOT NULL,           -- essential-skill | optional-skill | rome | sector-rome
    to_framework   TEXT NOT NULL,
    to_code        TEXT NOT NULL,
    PRIMARY KEY (version_id, from_framework, from_code, relation, to_framework, to_code)
);
CREATE INDEX concept_links_to ON concept_links (to_framework, to_code);
