-- Assessment (考核) of a handler under its agreement. A score once published is never rewritten: a
-- recomputation is a new version, and a supervisor's correction is a signed adjustment row.

CREATE TABLE assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id text NOT NULL REFERENCES organizations (id),
  agreement_id text NULL REFERENCES agreements (id),
  period_start date NOT NULL,
  period_end date NOT NULL,
  version int NOT NULL DEFAULT 1 CHECK (version >= 1),
  rates jsonb NOT NULL,
  weights jsonb NOT NULL,
  score numeric NOT NULL,
  -- Summary of assessment_adjustments (e.g. { total, count }) kept for lists; the only column that may change.
  adjustment jsonb NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (period_end >= period_start),
  UNIQUE (organization_id, period_start, period_end, version)
);
COMMENT ON TABLE assessments IS '考核结果（不可修改，重算即新版本）/ Assessments: immutable, a recomputation is a new version';

CREATE FUNCTION assessments_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - 'adjustment') IS DISTINCT FROM (to_jsonb(OLD) - 'adjustment') THEN
    RAISE EXCEPTION 'assessments are immutable: recompute as a new version'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER assessments_immutable BEFORE UPDATE ON assessments
  FOR EACH ROW EXECUTE FUNCTION assessments_immutable();
CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE assessment_adjustments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assessment_id uuid NOT NULL REFERENCES assessments (id),
  delta numeric NOT NULL,
  reason text NOT NULL,
  signed_by text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_adjustments_assessment_id_idx ON assessment_adjustments (assessment_id);
CREATE TRIGGER assessment_adjustments_append_only BEFORE UPDATE OR DELETE ON assessment_adjustments
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
COMMENT ON TABLE assessment_adjustments IS '考核调整（签名留痕）/ Signed assessment adjustments, append-only';
