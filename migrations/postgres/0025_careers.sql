-- Skills a person declares, career plans, and the training catalogue
-- (issue 18). Framework codes are kept as strings (framework + code + the
-- version they were written against), never as foreign keys into the
-- frameworks' tables: a plan survives a new version of ESCO.

-- Skills the citizen declares themselves (evidence: declared). Skills
-- proven by credentials, entries and endorsements are derived, not stored.
CREATE TABLE citizen_skills (
    id         TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    framework  TEXT NOT NULL,
    code       TEXT NOT NULL,
    version    TEXT,                        -- the framework version the code was chosen in
    label      TEXT NOT NULL,               -- the label when chosen (shown if the code ever disappears)
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (citizen_id, framework, code)
);

CREATE TABLE career_plans (
    id          TEXT PRIMARY KEY,
    citizen_id  TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    department  TEXT,                       -- where the citizen looks for trainings (two or three characters: 37, 2A, 971)
    status      TEXT NOT NULL,              -- active | archived
    shared      BIGINT NOT NULL,             -- 1: the people the citizen invites (reader, contributor) see it; contributors comment
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX career_plans_citizen ON career_plans (citizen_id, created_at);

-- The occupations a plan aims at (ROME or ESCO), in order.
CREATE TABLE career_plan_targets (
    plan_id   TEXT NOT NULL REFERENCES career_plans (id) ON DELETE CASCADE,
    position  BIGINT NOT NULL,
    framework TEXT NOT NULL,
    code      TEXT NOT NULL,
    version   TEXT,
    label     TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
);

-- Skills the citizen lists for the plan themselves (where the frameworks
-- have no relations for a target), with whether they are essential.
CREATE TABLE career_plan_skills (
    plan_id   TEXT NOT NULL REFERENCES career_plans (id) ON DELETE CASCADE,
    framework TEXT NOT NULL,
    code      TEXT NOT NULL,
    version   TEXT,
    label     TEXT NOT NULL,
    essential BIGINT NOT NULL,
    PRIMARY KEY (plan_id, framework, code)
);

-- What the citizen will do to close the gap.
CREATE TABLE career_plan_steps (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES career_plans (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,              -- training | credential | experience | other
    title       TEXT NOT NULL,
    training_id TEXT,                       -- a training of the catalogue (kept if the training goes: the title says what it was)
    framework   TEXT,                       -- the skill this step closes, if one
    code        TEXT,
    due_on      TEXT,                       -- YYYY-MM-DD
    status      TEXT NOT NULL,              -- todo | doing | done
    position    BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX career_plan_steps_plan ON career_plan_steps (plan_id, position);

-- Comments on a plan: the citizen's, and those of people they invited
-- (counsellors), who may read and comment with the existing roles.
CREATE TABLE career_plan_comments (
    id            TEXT PRIMARY KEY,
    plan_id       TEXT NOT NULL REFERENCES career_plans (id) ON DELETE CASCADE,
    invitation_id TEXT,                     -- null: the citizen
    author        TEXT NOT NULL,            -- the name shown
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX career_plan_comments_plan ON career_plan_comments (plan_id, created_at);

-- The training catalogue: what organisations offer.
CREATE TABLE trainings (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    reference      TEXT NOT NULL,           -- the organisation's own reference (CSV imports update by it)
    title          TEXT NOT NULL,
    description    TEXT,
    certification  TEXT,                    -- RNCP… or RS… number it prepares for
    level          TEXT,                    -- European level (1–8)
    distance       BIGINT NOT NULL,        -- 1: distance learning
    commune        TEXT,
    department     TEXT,
    starts_on      TEXT,                    -- YYYY-MM-DD
    ends_on        TEXT,
    duration_hours BIGINT,
    price_cents    BIGINT,
    cpf            BIGINT NOT NULL,        -- eligible to the Compte personnel de formation
    url            TEXT,
    status         TEXT NOT NULL,           -- published | draft
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, reference)
);
CREATE INDEX trainings_department ON trainings (status, department);

-- The skills and occupations a training is aligned to.
CREATE TABLE training_codes (
    training_id TEXT NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    framework   TEXT NOT NULL,
    code        TEXT NOT NULL,
    PRIMARY KEY (training_id, framework, code)
);
CREATE INDEX training_codes_code ON training_codes (framework, code);
