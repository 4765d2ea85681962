-- Change notifications for the API's cache of case reads (GET /cases/:id; db/case-cache.ts). The projection row
-- moves forward in the same statement that appends a case's events (db/queries/case-events.ts), so a change to
-- anything GET /cases/:id shows — the row, its timeline — is an UPDATE of `cases`: one notification per changed
-- case on rs_case_changed, the payload the case's id, delivered at COMMIT to every listening API process.
--
-- Not for INSERT: a case nobody has read yet is not cached. Not for the one update that changes nothing a reader
-- sees: intake's batched confirmation that the workflow started (workflow_started alone), one per case filed.
-- Deleting or truncating cases is forbidden (0003).
CREATE FUNCTION notify_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rs_case_changed', NEW.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER cases_notify_change AFTER UPDATE ON cases
  FOR EACH ROW
  WHEN (OLD.last_seq IS DISTINCT FROM NEW.last_seq OR OLD.workflow_started IS NOT DISTINCT FROM NEW.workflow_started)
  EXECUTE FUNCTION notify_case_changed();
