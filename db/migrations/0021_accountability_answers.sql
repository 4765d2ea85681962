-- Accountability (问责): the organisation answers a record once, its supervisor closes it once, and a supervisor
-- may file a finding of its own. Who did each step is kept beside when (DOMAIN.md: every action records who,
-- when, which organisation and why).
ALTER TABLE accountability_records ADD COLUMN answered_by text NULL REFERENCES users (id);
ALTER TABLE accountability_records ADD COLUMN close_reason text NULL;
-- Findings only: the supervisor who filed it, and what follows (整改要求), in the supervisor's words. Breach and
-- dissatisfaction records say what follows through their source and level (escalation, closing as unsatisfied).
ALTER TABLE accountability_records ADD COLUMN filed_by text NULL REFERENCES users (id);
ALTER TABLE accountability_records ADD COLUMN consequence text NULL;
CREATE INDEX accountability_records_created_idx ON accountability_records (created_at DESC, id DESC);

-- The record itself never changes; the answer and the closing are each written once. Enforced here so that no
-- route, script or race (two answers at once) can overwrite what was said.
CREATE FUNCTION accountability_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - ARRAY['answer', 'answered_at', 'answered_by', 'closed_at', 'closed_by', 'close_reason'])
     IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['answer', 'answered_at', 'answered_by', 'closed_at', 'closed_by', 'close_reason']) THEN
    RAISE EXCEPTION 'accountability records are immutable' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.answered_at IS NOT NULL AND (NEW.answer, NEW.answered_at, NEW.answered_by) IS DISTINCT FROM (OLD.answer, OLD.answered_at, OLD.answered_by) THEN
    RAISE EXCEPTION 'an accountability record is answered once' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.closed_at IS NOT NULL AND (NEW.closed_at, NEW.closed_by, NEW.close_reason, NEW.answer) IS DISTINCT FROM (OLD.closed_at, OLD.closed_by, OLD.close_reason, OLD.answer) THEN
    RAISE EXCEPTION 'a closed accountability record does not change' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER accountability_records_write_once BEFORE UPDATE ON accountability_records
  FOR EACH ROW EXECUTE FUNCTION accountability_write_once();
