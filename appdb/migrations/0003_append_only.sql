-- The audit log and the targets history stay append-only against INSERT OR REPLACE too.
--
-- A REPLACE (INSERT OR REPLACE, REPLACE INTO) whose id is already taken deletes the old row
-- without firing the DELETE triggers of 0001/0002 (SQLite fires them on REPLACE only with
-- recursive_triggers, a per-connection switch nobody can be made to turn on), and so used
-- to overwrite an entry. A row may therefore only be added under an id not yet taken.
-- Outside a REPLACE, a taken id fails on the primary key anyway, so this refuses nothing
-- that worked before. A row may not take an id below 1 either: the id SQLite hands an
-- insert that names none is not known before the insert, so only the AFTER trigger can
-- tell a row that names id 0 or -1 (which would otherwise make the BEFORE trigger refuse
-- every later insert).

CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id > 0 AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry cannot be replaced');
END;

CREATE TRIGGER audit_log_positive_id AFTER INSERT ON audit_log
WHEN NEW.id < 1
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: ids are given by the database');
END;

CREATE TRIGGER targets_no_replace BEFORE INSERT ON targets
WHEN NEW.id > 0 AND EXISTS (SELECT 1 FROM targets WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'targets are append-only: a row cannot be replaced');
END;

CREATE TRIGGER targets_positive_id AFTER INSERT ON targets
WHEN NEW.id < 1
BEGIN
    SELECT RAISE(ABORT, 'targets are append-only: ids are given by the database');
END;
