-- A new notice about a governance topic is announced with its topic id, as one about a case is with its case id:
-- the bell and an open topic page act on the push without reading the list again.
CREATE OR REPLACE FUNCTION notifications_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rs_notification', json_build_object('kind', 'new', 'userId', NEW.user_id, 'id', NEW.id::text,
    'caseId', NEW.case_id, 'topicId', NEW.params->>'topicId', 'template', NEW.template)::text);
  RETURN NULL;
END $$;
