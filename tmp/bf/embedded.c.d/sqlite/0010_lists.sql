-- 0010_lists.sql -- task and problem lists (任务清单, 问题清单) and leaders' lists
-- (包企业包项目) with their visits (走访). A list item changes only with an event of subject
-- 'task'; visits are records, never changed.
CREATE TABLE leaders (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    title   TEXT NOT NULL DEFAULT '',          -- 职务
    user_id INTEGER REFERENCES users(id),
    active  INTEGER NOT NULL DEFAULT 1
);

-- What a leader answers for: enterprises, industrial parks, chambers of commerce, projects.
CREATE TABLE enterprises (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('enterprise', 'park', 'chamber', 'project')),
    town       TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    project_id INTEGER REFERENCES projects(id),
    active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE leader_links (
    id            INTEGER PRIMARY KEY,
    leader_id     INTEGER NOT NULL REFERENCES leaders(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    since_on      INTEGER NOT NULL,
    until_on      INTEGER NOT NULL DEFAULT 0,  -- 0: still linked
    UNIQUE (leader_id, enterprise_id)
);

-- Support units (后盾单位) standing behind an enterprise.
CREATE TABLE support_links (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    UNIQUE (unit_id, enterprise_id)
);

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    leader_id     INTEGER NOT NULL REFERENCES leaders(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    visited_on    INTEGER NOT NULL,
    who           TEXT NOT NULL DEFAULT '',
    place         TEXT NOT NULL DEFAULT '',
    findings      TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX visits_leader ON visits (leader_id, visited_on);

CREATE TABLE task_items (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    list          TEXT NOT NULL CHECK (list IN ('task', 'problem')),
    title         TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    batch_id      INTEGER REFERENCES batches(id),
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    leader        TEXT NOT NULL DEFAULT '',
    due_on        INTEGER NOT NULL DEFAULT 0,
    team          TEXT NOT NULL DEFAULT '',    -- the six 有: 专班
    plan          TEXT NOT NULL DEFAULT '',    -- 方案
    goal          TEXT NOT NULL DEFAULT '',    -- 目标
    measures      TEXT NOT NULL DEFAULT '',    -- 措施
    result        TEXT NOT NULL DEFAULT '',    -- 结果
    feedback      TEXT NOT NULL DEFAULT '',    -- 反馈
    state         INTEGER NOT NULL,
    evidence      TEXT NOT NULL DEFAULT '',
    closed_by     TEXT NOT NULL DEFAULT '',
    closed_on     INTEGER NOT NULL DEFAULT 0,
    verified_by   TEXT NOT NULL DEFAULT '',
    verified_on   INTEGER NOT NULL DEFAULT 0,
    project_id    INTEGER REFERENCES projects(id),
    visit_id      INTEGER REFERENCES visits(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    last_seq      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX task_items_owner ON task_items (owner_unit_id, state);

-- A problem found on a visit becomes an appeal (channel 企业走访) or a list item.
CREATE TABLE visit_problems (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    appeal_id INTEGER REFERENCES appeals(id),
    task_id   INTEGER REFERENCES task_items(id),
    CHECK ((appeal_id IS NULL) <> (task_id IS NULL))
);
CREATE INDEX visit_problems_visit ON visit_problems (visit_id);

-- 0010_lists.sqlite.sql -- SQLite's part of 0010_lists.sql: visit records are never changed.
CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits
BEGIN SELECT RAISE(ABORT, 'visit records are never changed'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'visit records are never changed'); END;
