-- Who may use the dashboard: roles, users, county scopes, sessions and the audit log.
-- Times are UTC in ISO 8601 with microseconds (2026-05-09T07:35:25.123456+00:00), so text
-- order is time order. What each role may do is decided in code (access/roles.py).

CREATE TABLE roles (
    code     TEXT PRIMARY KEY,           -- leader, county, data_admin, admin
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL
);

INSERT INTO roles (code, name_zh, name_en) VALUES
    ('leader', '领导', 'leader'),
    ('county', '县区工作人员', 'county staff'),
    ('data_admin', '数据管理员', 'data administrator'),
    ('admin', '系统管理员', 'system administrator');

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE
                        CHECK (length(name) BETWEEN 1 AND 64),
    display_name        TEXT NOT NULL DEFAULT '',
    email               TEXT UNIQUE COLLATE NOCASE,   -- matched to the identity provider
    role                TEXT NOT NULL REFERENCES roles (code),
    password_hash       TEXT,                          -- argon2id; NULL: no password login
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins       INTEGER NOT NULL DEFAULT 0,    -- wrong passwords in a row
    locked_until        TEXT,                          -- no login before this time
    password_changed_at TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- The counties a county staff member may see (adcodes, as in data/reference/counties.csv).
CREATE TABLE user_counties (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (user_id, county_code)
) WITHOUT ROWID;

-- A login. Only the SHA-256 of the random token is kept; the token lives in the browser.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    mode        TEXT NOT NULL,               -- password, header, oidc
    client      TEXT,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,               -- created_at + session.max_hours
    ended_at    TEXT,
    end_reason  TEXT                         -- logout, idle, max_age, disabled, ...
);
CREATE INDEX sessions_open ON sessions (user_id) WHERE ended_at IS NULL;

-- Who did what, when, from where. Append-only: the triggers refuse changes.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    user_name TEXT,
    role      TEXT,
    client    TEXT,
    action    TEXT NOT NULL,
    details   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_name, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
