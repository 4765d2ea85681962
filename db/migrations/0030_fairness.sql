-- The fairness rules of the loop (docs/domain.md "Fairness rules"): returns and pauses waiting for a decision,
-- every handler a case has had, merged cases and their complainants, the top rung's public notice, verified
-- dissatisfaction, the supervisors' own duties, and writes of events that could never succeed.

ALTER TABLE cases DROP CONSTRAINT cases_outcome_check;
ALTER TABLE cases ADD CONSTRAINT cases_outcome_check CHECK (outcome IN ('satisfied', 'basically_satisfied', 'unsatisfied',
  'not_evaluated', 'withdrawn', 'closed_by_supervisor', 'unsatisfied_unreasonable', 'merged'));

ALTER TABLE cases
  -- Every handler the case has had: each keeps seeing it (one rule for the workflow and the API alike).
  ADD COLUMN handler_history text[] NOT NULL DEFAULT '{}',
  -- A return (回退) or pause (挂起) waiting for the supervisor's decision.
  ADD COLUMN pending_request jsonb NULL,
  ADD COLUMN paused_since timestamptz NULL,
  ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0 CHECK (paused_ms >= 0),
  -- 合并: the primary case a duplicate was merged into, and the residents of merged cases who follow a primary.
  ADD COLUMN merged_into uuid NULL REFERENCES cases (id),
  ADD COLUMN co_complainants text[] NOT NULL DEFAULT '{}',
  ADD COLUMN awaiting_verification boolean NOT NULL DEFAULT false,
  ADD COLUMN top_rung_misses int NOT NULL DEFAULT 0 CHECK (top_rung_misses >= 0),
  ADD COLUMN publicly_noticed boolean NOT NULL DEFAULT false;

-- Residents see the primaries they follow; handlers the cases they ever had.
CREATE INDEX cases_co_complainants_idx ON cases USING gin (co_complainants);
CREATE INDEX cases_handler_history_idx ON cases USING gin (handler_history);

ALTER TABLE accountability_records DROP CONSTRAINT accountability_records_source_check;
ALTER TABLE accountability_records ADD CONSTRAINT accountability_records_source_check
  CHECK (source IN ('breach', 'unsatisfied', 'finding', 'silence'));
ALTER TABLE accountability_records DROP CONSTRAINT accountability_records_deadline_kind_check;
ALTER TABLE accountability_records ADD CONSTRAINT accountability_records_deadline_kind_check
  CHECK (deadline_kind IN ('response', 'resolution', 'evaluation', 'decision'));

INSERT INTO responsibility_duties (code, organization_kind, title_zh, title_en, description) VALUES
  ('community_committee.callback', 'community_committee', '回访评价', 'Call back for the evaluation',
   '为没有账号的居民电话或上门回访并记录评价 / Record the evaluation of residents without an account by phone or visit'),
  ('street_committee.decide_in_time', 'street_committee', '按时审批', 'Decide in time',
   '督办期间及时审批延期、挂起与回退 / Decide extensions, pauses and returns promptly while supervising'),
  ('organization_department.decide_in_time', 'organization_department', '按时审批', 'Decide in time', NULL),
  ('functional_department.decide_in_time', 'functional_department', '按时审批', 'Decide in time',
   '职能部门党组织督办期间及时审批 / Decide promptly while the department''s Party organisation supervises'),
  ('functional_department.satisfy_residents', 'functional_department', '居民满意', 'Satisfy residents', NULL),
  ('owners_committee.satisfy_residents', 'owners_committee', '居民满意', 'Satisfy residents', NULL),
  ('resident_association.satisfy_residents', 'resident_association', '居民满意', 'Satisfy residents', NULL)
ON CONFLICT (code) DO NOTHING;

-- A write of case events that can never succeed (a data error, not a database that is down): the text that could
-- not be stored was replaced and the write repeated, or, failing that, the batch is listed here for an operator.
CREATE TABLE event_write_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id uuid NOT NULL,
  from_seq int NOT NULL,
  to_seq int NOT NULL,
  sqlstate text NOT NULL,
  error text NOT NULL,
  repaired boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, from_seq, repaired)
);
COMMENT ON TABLE event_write_failures IS 'Case event writes refused by PostgreSQL as data errors (redsteward_event_write_failures)';
