-- Annual targets (年度目标) per indicator, for the city and per county, with their history.
--
-- Append-only: setting a target adds a row; the current target of (indicator, county, year)
-- is its newest row (highest id), and a row whose value is NULL withdraws the target.
-- Earlier rows stay as the history of who set what, when. Triggers refuse UPDATE and
-- DELETE, like the audit log. Which indicators may carry a target is decided in code
-- (targets/model.py); times are UTC ISO 8601 with microseconds, as in 0001_access.sql.

CREATE TABLE targets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator   TEXT NOT NULL,                 -- a key of model/indicators.py
    county_code INTEGER,                       -- adcode; NULL: the whole city (全市)
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    value       REAL CHECK (value IS NULL OR value > 0),  -- in the indicator's stored
                                               -- unit (人, 家, 个, 万元, 元; a ratio 0–1);
                                               -- NULL: target withdrawn
    set_by      TEXT NOT NULL,                 -- user name, or cli:<system user>
    set_at      TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('app', 'import', 'cli')),
    note        TEXT NOT NULL DEFAULT ''       -- a reason, or the imported file's name
);

CREATE INDEX targets_key ON targets (year, indicator, county_code, id);

CREATE TRIGGER targets_no_update BEFORE UPDATE ON targets
BEGIN
    SELECT RAISE(ABORT, 'targets are append-only: add a new row');
END;

CREATE TRIGGER targets_no_delete BEFORE DELETE ON targets
BEGIN
    SELECT RAISE(ABORT, 'targets are append-only: add a row with value NULL to withdraw');
END;

-- The target in force for each (indicator, county, year): the newest row, unless withdrawn.
CREATE VIEW current_targets AS
SELECT t.*
FROM targets t
WHERE t.value IS NOT NULL
  AND t.id = (SELECT max(n.id) FROM targets n
              WHERE n.year = t.year AND n.indicator = t.indicator
                AND n.county_code IS t.county_code);
