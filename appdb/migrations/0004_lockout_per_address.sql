-- Wrong passwords are counted, and logins locked, per user AND client address: failing an
-- account's password from one address no longer locks its owner out everywhere. Each lock
-- of the same pair lasts twice as long as the one before (login.lock_minutes, then 2x, 4x,
-- ... at most a day), and every lock ends. users.failed_logins is no longer counted;
-- users.locked_until now says until when the user is locked from some address (for the
-- users page and `users list`).
CREATE TABLE login_failures (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client       TEXT NOT NULL,            -- the address as in the audit log ('' if unknown)
    failures     INTEGER NOT NULL DEFAULT 0,   -- wrong passwords in a row from there
    lockouts     INTEGER NOT NULL DEFAULT 0,   -- locks in a row of this pair
    locked_until TEXT,                     -- no login from there before this time
    last_failure TEXT NOT NULL,
    PRIMARY KEY (user_id, client)
) WITHOUT ROWID;

-- What a session is bound to: a hash of the client's address and browser (User-Agent) at
-- login. A token presented by another client ends the session (access.service). NULL:
-- not bound (a session made by the command line or a test).
ALTER TABLE sessions ADD COLUMN binding TEXT;
