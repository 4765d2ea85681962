-- Retention (services/retention.ts): RETENTION_DAYS after a case closes, the resident's personal data leaves it —
-- name, phone, account, household, unit and room, the free text anyone wrote, the photos — while everything the
-- rates, assessments and disclosure count stays: compound, building, category, organisations, every date, status,
-- level, deadline, outcome, satisfaction and count. `anonymised_at` marks a case done, so the job is idempotent.
ALTER TABLE cases ADD COLUMN anonymised_at timestamptz NULL;
COMMENT ON COLUMN cases.anonymised_at IS '个人信息已于此时匿名化 / when the resident''s personal data was removed (RETENTION_DAYS after closing)';

-- The job's one question, "closed before the cut-off and not yet anonymised", is one index range.
CREATE INDEX cases_retention_due_idx ON cases (closed_at) WHERE closed_at IS NOT NULL AND anonymised_at IS NULL;

-- What anonymising leaves of an event: its payload without the keys that hold free text or a resident's account
-- (notes, summaries, evidence, reasons, messages, comments, added information, follow-up findings, a co-complainant's
-- account). Kept: every key the rates and the duty watch read (deadline, approve, newDueAt, ground, owner, toOrgId,
-- automatic, missedCadences, satisfaction, solved, organisations, levels, deadlines).
CREATE FUNCTION anonymised_event_payload(payload jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT payload - ARRAY['note', 'summary', 'evidence', 'reason', 'message', 'comment', 'text', 'findings', 'residentUserId']
$$;

-- A resident's own actions (evaluate, add information, withdraw) no longer name their account; staff and the system
-- stay named: who handled a case is the accountability record, not the resident's personal data.
CREATE FUNCTION anonymised_event_actor(actor jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN actor->>'role' = 'resident' THEN actor - 'userId' - 'personId' ELSE actor END
$$;

-- case_events stays append-only (0003) with one exception: the retention job, and only it, may take the personal
-- data out of the events of a case it has already marked anonymised — nothing else about an event may change, and
-- no event may be deleted. The job announces itself with the transaction-local setting redsteward.retention = 'on';
-- the check that the new row is exactly anonymised_event_*(old row) is what makes that setting safe to honour: even a
-- session that sets it can only remove personal data, never rewrite what happened.
CREATE FUNCTION case_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('redsteward.retention', true) = 'on'
     AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq AND NEW.type = OLD.type AND NEW.at = OLD.at
     AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id AND NEW.recorded_at = OLD.recorded_at
     AND NEW.payload = anonymised_event_payload(OLD.payload)
     AND NEW.actor = anonymised_event_actor(OLD.actor)
     AND EXISTS (SELECT 1 FROM cases c WHERE c.id = OLD.case_id AND c.anonymised_at IS NOT NULL)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation', HINT = 'Record a new row instead of changing history.';
END
$$;

DROP TRIGGER case_events_append_only ON case_events;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_guard();
