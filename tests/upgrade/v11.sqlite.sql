PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()));
INSERT INTO schema_migrations VALUES(1,'0001_init.sql',1796216517);
INSERT INTO schema_migrations VALUES(2,'0002_settings.sql',1796216517);
INSERT INTO schema_migrations VALUES(3,'0003_sessions.sql',1796216517);
INSERT INTO schema_migrations VALUES(4,'0004_row_digest.sql',1796216517);
INSERT INTO schema_migrations VALUES(5,'0005_list_indexes.sql',1796216517);
INSERT INTO schema_migrations VALUES(6,'0006_rule_sets.sql',1796216517);
INSERT INTO schema_migrations VALUES(7,'0007_contact.sql',1796216517);
INSERT INTO schema_migrations VALUES(8,'0008_subjects.sql',1796216517);
INSERT INTO schema_migrations VALUES(9,'0009_projects.sql',1796216517);
INSERT INTO schema_migrations VALUES(10,'0010_lists.sql',1796216517);
INSERT INTO schema_migrations VALUES(11,'0011_votes.sql',1796216517);
CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL UNIQUE,
    kind      INTEGER NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    active    INTEGER NOT NULL DEFAULT 1
);
INSERT INTO units VALUES(1,'YD','永定区',1,NULL,1);
INSERT INTO units VALUES(2,'U0001','区住建局',2,1,1);
INSERT INTO units VALUES(3,'U0002','区城管局',2,1,1);
INSERT INTO units VALUES(4,'U0003','王家镇',3,1,1);
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          INTEGER NOT NULL,
    unit_id       INTEGER REFERENCES units(id),
    phone         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1
);
INSERT INTO users VALUES(1,'disp','王派单',2,NULL,'','',1);
INSERT INTO users VALUES(2,'zj','住建承办',3,2,'','$argon2id$v=19$m=65536,t=2,p=1$85sDAIb+EuZ554DdPTtD+w$Q1dKLBV0aXyjREFzt2NIw5bDa6x6+9rxAx5x5bOzdnQ',1);
INSERT INTO users VALUES(3,'boss','李区长',4,NULL,'','',1);
CREATE TABLE areas (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL UNIQUE,
    sort   INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO areas VALUES(1,'study','就学',1,1);
INSERT INTO areas VALUES(2,'medical','就医',2,1);
INSERT INTO areas VALUES(3,'employment','就业',3,1);
INSERT INTO areas VALUES(4,'dining','就餐',4,1);
INSERT INTO areas VALUES(5,'living','宜居',5,1);
INSERT INTO areas VALUES(6,'business','宜业',6,1);
INSERT INTO areas VALUES(7,'travel','宜游',7,1);
INSERT INTO areas VALUES(8,'transport','宜行',8,1);
INSERT INTO areas VALUES(9,'weak','扶弱',9,1);
INSERT INTO areas VALUES(10,'hardship','帮困',10,1);
CREATE TABLE channels (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL UNIQUE,
    sort   INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO channels VALUES(1,'wechat','微信群',1,1);
INSERT INTO channels VALUES(2,'hotline','12345热线',2,1);
INSERT INTO channels VALUES(3,'visit','来访',3,1);
INSERT INTO channels VALUES(4,'web','网站/H5',4,1);
INSERT INTO channels VALUES(5,'enterprise','企业走访',5,1);
INSERT INTO channels VALUES(6,'letter','信件',6,1);
CREATE TABLE time_limits (
    scope   TEXT NOT NULL,            -- 'handle', 'sign', 'complex', 'extension'
    kind    INTEGER NOT NULL,
    urgency INTEGER NOT NULL,
    amount  INTEGER NOT NULL CHECK (amount > 0),
    unit    INTEGER NOT NULL,         -- 1 working days, 2 hours
    PRIMARY KEY (scope, kind, urgency)
);
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    mode INTEGER NOT NULL             -- 2 weekends-only
);
CREATE TABLE calendar_days (
    date INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('H', 'W')),
    name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters VALUES('org_version',4);
INSERT INTO counters VALUES('unit_code',3);
INSERT INTO counters VALUES('appeal:20211101',1);
INSERT INTO counters VALUES('appeal:20211108',1);
CREATE TABLE appeals (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    content            TEXT NOT NULL,
    channel_id         INTEGER NOT NULL REFERENCES channels(id),
    area_id            INTEGER REFERENCES areas(id),
    kind               INTEGER NOT NULL,
    urgency            INTEGER NOT NULL DEFAULT 0,
    complex            INTEGER NOT NULL DEFAULT 0,
    citizen_name       TEXT,
    phone              TEXT,
    id_number          TEXT,
    address            TEXT,
    state              INTEGER NOT NULL,
    lead_unit_id       INTEGER REFERENCES units(id),
    received_at        INTEGER NOT NULL,
    dispatched_at      INTEGER NOT NULL DEFAULT 0,
    sign_deadline      INTEGER NOT NULL DEFAULT 0,
    accepted_at        INTEGER NOT NULL DEFAULT 0,
    deadline           INTEGER NOT NULL DEFAULT 0,
    replied_at         INTEGER NOT NULL DEFAULT 0,
    visited_at         INTEGER NOT NULL DEFAULT 0,
    closed_at          INTEGER NOT NULL DEFAULT 0,
    ext_requested      INTEGER NOT NULL DEFAULT 0,
    ext_count          INTEGER NOT NULL DEFAULT 0,
    urge_count         INTEGER NOT NULL DEFAULT 0,
    supervise_level    INTEGER NOT NULL DEFAULT 0,
    redo_count         INTEGER NOT NULL DEFAULT 0,
    return_count       INTEGER NOT NULL DEFAULT 0,
    merged_into        INTEGER REFERENCES appeals(id),
    reply_text         TEXT,
    visit_solved       INTEGER NOT NULL DEFAULT 0,
    visit_satisfaction INTEGER NOT NULL DEFAULT 0,
    evidence_count     INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL,
    last_seq           INTEGER NOT NULL
, updated_at INTEGER NOT NULL DEFAULT 0, contacted_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO appeals VALUES(1,'YD202111010001','路灯不亮','永定路路灯连续三晚不亮',2,5,3,0,0,'张三','13812345678',NULL,'永定路1号',6,2,1635728400,1635732000,1635868799,1635814800,1636559999,1635901200,1635987600,1636074000,0,0,0,0,0,0,NULL,'已修复路灯',1,1,1,6,6,1636074000,0);
INSERT INTO appeals VALUES(2,'YD202111080001','垃圾清运不及时','小区垃圾三天未清运',2,NULL,2,0,0,NULL,NULL,NULL,NULL,2,3,1636333200,1636336800,1636473599,0,1636991999,0,0,0,0,0,1,0,0,0,NULL,NULL,0,0,0,3,3,1636423200,0);
CREATE TABLE appeal_units (
    appeal_id INTEGER NOT NULL REFERENCES appeals(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    role      TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
    PRIMARY KEY (appeal_id, unit_id)
);
INSERT INTO appeal_units VALUES(1,2,'lead');
INSERT INTO appeal_units VALUES(1,3,'assist');
INSERT INTO appeal_units VALUES(2,3,'lead');
CREATE TABLE chain_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id INTEGER NOT NULL,
    hash    TEXT NOT NULL,
    count   INTEGER NOT NULL
);
INSERT INTO chain_head VALUES(1,9,'b65a49982fb22441ed35a8ea545acfc0fac698f3d042d678847ae23bf95aaf4b',9);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings VALUES('site_name','永定区');
INSERT INTO settings VALUES('code_prefix','YD');
INSERT INTO settings VALUES('row_digest_from','1');
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,           -- SHA-256 of the bearer token, hex
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,              -- the CSRF token cookie clients must echo
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,         -- 'user:NAME' or 'addr:IP'
    failures     INTEGER NOT NULL,
    last_at      INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rate_windows (
    key    TEXT NOT NULL,
    window INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (key, window)
);
CREATE TABLE rule_sets (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,             -- the rule set as JSON (docs/metrics.md)
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO rule_sets VALUES(1,'默认考核规则','{"name":"默认考核规则","weights":{"reply_rate":0,"timely_rate":0,"response_rate":30,"resolution_rate":35,"satisfaction_rate":35},"basic_satisfied_share":100,"partly_solved_share":0,"exclude":["rejected","merged"],"min_volume":5,"response_needs_contact":true,"time_limits":{"handle":{"default":["5 workdays","24 hours","2 hours"],"consult":["3 workdays","24 hours","2 hours"],"help":["5 workdays","24 hours","2 hours"],"complaint":["7 workdays","24 hours","2 hours"],"report":["7 workdays","24 hours","2 hours"],"suggest":["10 workdays","24 hours","2 hours"]},"complex":"15 workdays","sign":["1 workdays","2 hours","1 hours"],"max_extension_workdays":10,"max_extensions":2}}',1609430400,'migration');
CREATE TABLE IF NOT EXISTS "events" (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER REFERENCES appeals(id),
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state INTEGER NOT NULL,
    to_state   INTEGER NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    row_digest TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    subject_id INTEGER,
    UNIQUE (appeal_id, seq),
    CHECK ((subject = '') = (appeal_id IS NOT NULL)),
    CHECK ((subject = '') = (subject_id IS NULL))
);
INSERT INTO events VALUES(1,1,1,1635728400,1,'disp','register',0,1,'{"area_id":5,"channel_id":2,"content":"永定路路灯连续三晚不亮","kind":"complaint","title":"路灯不亮","urgency":"normal"}','0000000000000000000000000000000000000000000000000000000000000000','86d27d280d6984b0728d92ebc0187b3b35dd8bccde74dcca08defa1122b03679','1a08ffa543a61f936b4aae23b2c7cc0236e563af1e641d0bc895c8c275625419','',NULL);
INSERT INTO events VALUES(2,1,2,1635732000,1,'disp','dispatch',1,2,'{"assist":[3],"deadline":"2021-11-10T23:59:59+08:00","limit":"7 个工作日","sign_deadline":"2021-11-02T23:59:59+08:00","unit_id":2}','86d27d280d6984b0728d92ebc0187b3b35dd8bccde74dcca08defa1122b03679','4eb002aa8a3ffdf2d5fbfb77b59a044c92c2ea3b8bb4c5cebea995e9d08eb130','d0a55899a69eea1baa82e0eebc223dc453dc5048131fda08b3ef37242a9b6715','',NULL);
INSERT INTO events VALUES(3,1,3,1635814800,2,'zj','accept',2,3,'{}','4eb002aa8a3ffdf2d5fbfb77b59a044c92c2ea3b8bb4c5cebea995e9d08eb130','60fd908608bc81195aafebc76857fc011d8a07700524f7c8b69f93b6d9a4605f','4ed609d58852e61107e314e51b364b1616024422e11ad8d132499e4a6facfb1c','',NULL);
INSERT INTO events VALUES(4,1,4,1635901200,2,'zj','reply',3,4,'{"text":"已修复路灯"}','60fd908608bc81195aafebc76857fc011d8a07700524f7c8b69f93b6d9a4605f','0979f99f08814ef680baa149bfb5eb90e2bcc7123b4ed73a98be1362714bca0d','38bed356e40f54926d6db56e5d926b1c908f9d283e3d61c91f0555e29ccc3f99','',NULL);
INSERT INTO events VALUES(5,1,5,1635987600,1,'disp','visit',4,5,'{"satisfaction":"satisfied","solved":"yes"}','0979f99f08814ef680baa149bfb5eb90e2bcc7123b4ed73a98be1362714bca0d','9bfb597fe17a9a69beed302eeef29dceec908cca0fb325266502cfcc5e03853e','8743f2c1b514ee14fe729aae9f583e8a7359fd9bb18faf8c8a3a950492f72e3b','',NULL);
INSERT INTO events VALUES(6,1,6,1636074000,1,'disp','close',5,6,'{"evidence":["现场照片.jpg"]}','9bfb597fe17a9a69beed302eeef29dceec908cca0fb325266502cfcc5e03853e','96511c79c60b94f8f6e4d4e15158c855ea14780f0049d7d4b578213a8571f57c','eb765a41e275e0e71eb088317b52ae4e4aeb1eea31ace4301a9cd51f1a90c49f','',NULL);
INSERT INTO events VALUES(7,2,1,1636333200,1,'disp','register',0,1,'{"channel_id":2,"content":"小区垃圾三天未清运","kind":"help","title":"垃圾清运不及时","urgency":"normal"}','96511c79c60b94f8f6e4d4e15158c855ea14780f0049d7d4b578213a8571f57c','5bb821433dcf857f6fee5b867ff533fce2fed0473f70b26a885cc88cae2c73ce','46dbd949fba9d060742b2b70f4155a90c7d34f6e4553de5b6c86ef7d0ba17f64','',NULL);
INSERT INTO events VALUES(8,2,2,1636336800,1,'disp','dispatch',1,2,'{"assist":[],"deadline":"2021-11-15T23:59:59+08:00","limit":"5 个工作日","sign_deadline":"2021-11-09T23:59:59+08:00","unit_id":3}','5bb821433dcf857f6fee5b867ff533fce2fed0473f70b26a885cc88cae2c73ce','c666737f5f32ae46f05aa870ed11b1ce733bc2963f3537954604dba3d99781d9','da12720d2ba52010911e2221097e949d6635b18fea306ed9d5b2c966324600b4','',NULL);
INSERT INTO events VALUES(9,2,3,1636423200,1,'disp','urge',2,2,'{"note":"请尽快","urge_count":1}','c666737f5f32ae46f05aa870ed11b1ce733bc2963f3537954604dba3d99781d9','b65a49982fb22441ed35a8ea545acfc0fac698f3d042d678847ae23bf95aaf4b','fc55c19169ccacce25d7c9636e65ffcffd327b06d373d5e30056d5d4b731515e','',NULL);
CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number > 0),
    name        TEXT NOT NULL DEFAULT '',
    assigned_on INTEGER NOT NULL,      -- day number
    UNIQUE (year, number)
);
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
CREATE TABLE project_units (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    UNIQUE (project_id, unit_id)
);
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
CREATE TABLE appeal_links (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    appeal_id  INTEGER NOT NULL REFERENCES appeals(id),
    kind       TEXT NOT NULL CHECK (kind IN ('spawned', 'resolved')),
    created_at INTEGER NOT NULL,
    UNIQUE (project_id, appeal_id, kind)
);
CREATE TABLE leaders (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    title   TEXT NOT NULL DEFAULT '',          -- 职务
    user_id INTEGER REFERENCES users(id),
    active  INTEGER NOT NULL DEFAULT 1
);
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
CREATE TABLE visit_problems (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    appeal_id INTEGER REFERENCES appeals(id),
    task_id   INTEGER REFERENCES task_items(id),
    CHECK ((appeal_id IS NULL) <> (task_id IS NULL))
);
CREATE TABLE vote_sessions (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    year       INTEGER NOT NULL,
    state      INTEGER NOT NULL,
    rule       TEXT NOT NULL DEFAULT 'majority_of_all',
    max_select INTEGER NOT NULL DEFAULT 0,     -- 0: no limit
    quorum     INTEGER NOT NULL DEFAULT 0,     -- deputies who must vote; 0: more than half
    turnout    INTEGER NOT NULL DEFAULT 0,     -- counted at close: deputies with a ballot
    outcome    TEXT NOT NULL DEFAULT '',  -- counted at close: the result in words
    adopted_at INTEGER NOT NULL DEFAULT 0,
    opened_at  INTEGER NOT NULL DEFAULT 0,
    closed_at  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    last_seq   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE deputies (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES vote_sessions(id),
    name       TEXT NOT NULL,
    UNIQUE (session_id, name)
);
CREATE TABLE vote_candidates (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES vote_sessions(id),
    seq          INTEGER NOT NULL,
    title        TEXT NOT NULL,
    area_id      INTEGER REFERENCES areas(id),
    lead_unit_id INTEGER REFERENCES units(id),
    measure      TEXT NOT NULL DEFAULT '',
    target_x100  INTEGER NOT NULL DEFAULT 0,
    budget_x100  INTEGER NOT NULL DEFAULT 0,
    yes          INTEGER NOT NULL DEFAULT 0,   -- counted when the session closes
    no           INTEGER NOT NULL DEFAULT 0,
    abstain      INTEGER NOT NULL DEFAULT 0,
    passed       INTEGER NOT NULL DEFAULT 0,
    rank         INTEGER NOT NULL DEFAULT 0,   -- among the passed, by yes votes (1, 2, 2, 4)
    tied         INTEGER NOT NULL DEFAULT 0,   -- tied across the max_select cut-off
    chosen       INTEGER NOT NULL DEFAULT 0,
    project_id   INTEGER REFERENCES projects(id),
    UNIQUE (session_id, seq)
);
CREATE TABLE ballots (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES vote_sessions(id),
    deputy_id    INTEGER NOT NULL REFERENCES deputies(id),
    candidate_id INTEGER NOT NULL REFERENCES vote_candidates(id),
    choice       INTEGER NOT NULL CHECK (choice IN (1, 2, 3)), -- 赞成 反对 弃权
    cast_at      INTEGER NOT NULL,
    UNIQUE (deputy_id, candidate_id)
);
CREATE INDEX appeals_received ON appeals (received_at);
CREATE INDEX appeals_state ON appeals (state, deadline);
CREATE INDEX appeals_lead ON appeals (lead_unit_id, received_at);
CREATE INDEX appeal_units_unit ON appeal_units (unit_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX appeals_area ON appeals (area_id, received_at);
CREATE INDEX appeals_channel ON appeals (channel_id, received_at);
CREATE INDEX events_appeal ON events (appeal_id, seq);
CREATE UNIQUE INDEX events_subject ON events (subject, subject_id, seq) WHERE subject <> '';
CREATE INDEX projects_year ON projects (year, code);
CREATE INDEX projects_parent ON projects (parent_id);
CREATE INDEX appeal_links_appeal ON appeal_links (appeal_id);
CREATE INDEX visits_leader ON visits (leader_id, visited_on);
CREATE INDEX task_items_owner ON task_items (owner_unit_id, state);
CREATE INDEX visit_problems_visit ON visit_problems (visit_id);
CREATE TRIGGER rule_sets_no_update BEFORE UPDATE ON rule_sets
BEGIN SELECT RAISE(ABORT, 'rule sets are immutable: add a new version'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits
BEGIN SELECT RAISE(ABORT, 'visit records are never changed'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'visit records are never changed'); END;
CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots
BEGIN SELECT RAISE(ABORT, 'ballots are never changed'); END;
CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
BEGIN SELECT RAISE(ABORT, 'ballots are never changed'); END;
COMMIT;
