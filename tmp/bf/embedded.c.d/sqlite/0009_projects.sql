-- 0009_projects.sql -- practical-matter projects (实事项目). Quantities are integers in
-- hundredths of their unit of measure (10.47 km is 1047), money in hundredths of 万元; days
-- are day numbers. A project row is changed only together with an event of subject
-- 'project' that carries the digest of the row and its child rows (milestones, units, links).
CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    year             INTEGER NOT NULL,
    area_id          INTEGER REFERENCES areas(id),
    lead_unit_id     INTEGER REFERENCES units(id),
    leader           TEXT NOT NULL DEFAULT '',
    measure          TEXT NOT NULL,              -- 公里, 个学位, 万元, 人, 户, 趟 ...
    baseline_x100    INTEGER NOT NULL DEFAULT 0,
    target_x100      INTEGER NOT NULL DEFAULT 0,
    plan_x100        INTEGER NOT NULL DEFAULT 0, -- this year's plan
    done_x100        INTEGER NOT NULL DEFAULT 0, -- cumulative, from the latest progress entry
    budget_x100      INTEGER NOT NULL DEFAULT 0, -- 万元
    start_on         INTEGER NOT NULL DEFAULT 0,
    due_on           INTEGER NOT NULL DEFAULT 0,
    finished_on      INTEGER NOT NULL DEFAULT 0,
    batch_id         INTEGER REFERENCES batches(id),
    parent_id        INTEGER REFERENCES projects(id),
    weight           INTEGER NOT NULL DEFAULT 0, -- share in the parent's roll-up; 0: unweighted
    state            INTEGER NOT NULL,
    households       INTEGER NOT NULL DEFAULT 0,
    people           INTEGER NOT NULL DEFAULT 0,
    beneficiaries    TEXT NOT NULL DEFAULT '',   -- who else benefits, in words
    description      TEXT NOT NULL DEFAULT '',
    last_progress_on INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    last_seq         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX projects_year ON projects (year, code);
CREATE INDEX projects_parent ON projects (parent_id);

CREATE TABLE project_units (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    UNIQUE (project_id, unit_id)
);

-- The schedule worked back from the due date (倒排工期).
CREATE TABLE milestones (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    due_on     INTEGER NOT NULL,
    value_x100 INTEGER NOT NULL DEFAULT 0,     -- cumulative value due by then; 0: none
    done_on    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (project_id, seq)
);

-- An appeal that spawned a project, or that a project resolved.
CREATE TABLE appeal_links (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    appeal_id  INTEGER NOT NULL REFERENCES appeals(id),
    kind       TEXT NOT NULL CHECK (kind IN ('spawned', 'resolved')),
    created_at INTEGER NOT NULL,
    UNIQUE (project_id, appeal_id, kind)
);
CREATE INDEX appeal_links_appeal ON appeal_links (appeal_id);
