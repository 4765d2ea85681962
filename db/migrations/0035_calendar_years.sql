-- A year's holiday arrangement as the State Council's notice gives it (国务院办公厅关于部分节假日安排的通知),
-- imported by the admin (PUT /admin/calendar-years/:year). It replaces, for its year, both chinese-days' data and
-- the statutory fallback computed from the law (domain/holidays.ts); calendar_overrides still win over it.
-- One row per year; a new import replaces the row, and the audit log keeps every version (before and after).
CREATE TABLE calendar_years (
  year int PRIMARY KEY CHECK (year BETWEEN 2025 AND 2100),
  -- [{ "holiday": "spring_festival", "from": "2027-02-05", "to": "2027-02-12" }, ...], checked by the API
  -- (domain/calendar-years.ts): every date inside the year, no day both a holiday and a working day.
  holidays jsonb NOT NULL CHECK (jsonb_typeof(holidays) = 'array'),
  -- 调休: the weekend days worked.
  workdays date[] NOT NULL DEFAULT '{}',
  -- Statutory holidays the notice makes working days, said explicitly at import.
  statutory_days_worked date[] NOT NULL DEFAULT '{}',
  -- The notice it was taken from, e.g. 国办发明电〔2026〕7号.
  notice text NULL,
  imported_by text NULL REFERENCES users (id),
  imported_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE calendar_years IS '年度放假安排（国务院通知）/ A year''s holiday arrangement as the State Council published it';

-- The API's reference cache drops the calendar it read when an import changes (migration 0022, db/notify.ts).
CREATE TRIGGER calendar_years_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_years
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
