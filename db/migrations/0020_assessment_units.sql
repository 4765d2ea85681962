-- Assessment (考核) is the community committee's power under one three-party agreement (DOMAIN.md), so the unit
-- assessed is a property company under one compound's agreement: a company serving two compounds is assessed
-- twice, by each agreement's weights. 0005 made (organisation, period, version) unique, which cannot hold two
-- agreements; the key now includes the agreement.
ALTER TABLE assessments DROP CONSTRAINT assessments_organization_id_period_start_period_end_version_key;
ALTER TABLE assessments ADD CONSTRAINT assessments_unit_version_key
  UNIQUE (organization_id, agreement_id, period_start, period_end, version);

-- A company with no case in the month has no rate to weigh: its score is null (domain assessmentScore), and the
-- row is still stored so the public sees "no cases" rather than a missing company.
ALTER TABLE assessments ALTER COLUMN score DROP NOT NULL;

-- computation_id is the workflow id of the run that computed the row: the activity may be retried by Temporal,
-- and a retry must find its rows rather than add another version. computed_by says who asked (user id or
-- 'schedule'); parts keeps the weighted parts exactly as scored, beside the rates they came from.
ALTER TABLE assessments ADD COLUMN computation_id text NULL;
ALTER TABLE assessments ADD COLUMN computed_by text NULL;
ALTER TABLE assessments ADD COLUMN parts jsonb NULL;
CREATE UNIQUE INDEX assessments_computation_unit_key ON assessments (computation_id, organization_id, agreement_id)
  WHERE computation_id IS NOT NULL;
CREATE INDEX assessments_period_idx ON assessments (period_start, period_end);
COMMENT ON COLUMN assessments.period_end IS '不含当日（与 agreements.valid_to 相同）/ exclusive, like agreements.valid_to';

-- Rates and assessments select cases by the moment they were first dispatched (see db/queries/stats.ts).
CREATE INDEX cases_dispatched_at_idx ON cases (dispatched_at) WHERE dispatched_at IS NOT NULL;
