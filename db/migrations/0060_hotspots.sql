-- Hotspots (DOMAIN.md "Proactive governance"): cases counted by compound, building and category over months, in the
-- caller's scope. The building is read from the location once, at write time, so grouping and the repeat-problem
-- count use a plain column and an index instead of parsing jsonb per row. Trimmed and '' as NULL, exactly as the
-- measures read it (db/queries/stats.ts FACTS_SELECT).
ALTER TABLE cases ADD COLUMN building text GENERATED ALWAYS AS (NULLIF(btrim(location->>'building'), '')) STORED;

-- The repeat-problem rule counts one building's cases of one category in a window of days; a hotspot of one
-- compound is one range of it too.
CREATE INDEX cases_hotspot_idx ON cases (compound_code, building, category_code, created_at);

-- A supervisor's scope names the organisation department through the case's chain (db/queries/case-list.ts
-- scopeSql); without an index that one arm of the OR turned every scoped count into a scan of the whole table.
CREATE INDEX cases_org_department_created_idx ON cases ((intake->'chain'->>'organizationDepartmentId'), created_at);

-- Cases closed as a duplicate or as invalid do not count (db/queries/repeat-problems.ts COUNTING_CASE_SQL): few, so
-- a small index lets a count set them aside in one pass instead of probing every case's history.
CREATE INDEX case_events_closed_not_counting_idx ON case_events (case_id)
  WHERE type = 'closed' AND payload->>'ground' IN ('duplicate', 'invalid');
