-- Delivery of the notification outbox (services/delivery/): what the dispatcher needs to claim, retry and
-- dead-letter a message, and the in-app inbox the in_app channel writes.

ALTER TABLE notification_outbox
  -- A message is due when next_attempt_at has passed: a failed try moves it forward by the channel's backoff,
  -- quiet hours move it to 08:00 without counting a try.
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN last_attempt_at timestamptz NULL,
  -- The last try failed and no try remains (or the failure cannot be retried): kept for an operator, never sent.
  ADD COLUMN dead_at timestamptz NULL,
  ADD COLUMN provider_message_id text NULL,
  ADD CONSTRAINT notification_outbox_sent_or_dead CHECK (sent_at IS NULL OR dead_at IS NULL);

-- The dispatcher's claim: the due messages, oldest due first, one index range.
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;

-- Wakes every dispatcher when a message is written (the payload is empty: a dispatcher claims what is due). Once
-- per statement: an intake that writes ten notices wakes a dispatcher once.
CREATE FUNCTION notification_outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rs_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER notification_outbox_wake AFTER INSERT ON notification_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION notification_outbox_wake();

-- The in-app inbox: one row per user and notice. dedupe_key is unique per user, so a notice that reaches a user by
-- two paths (the community as supervisor and as the case's community) or is delivered twice appears once.
CREATE TABLE notifications (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  case_id uuid NULL REFERENCES cases (id),
  template text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
  dedupe_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz NULL,
  UNIQUE (user_id, dedupe_key)
);
-- Unread first, newest first, per user; the unread count is a range of the same index.
CREATE INDEX notifications_user_read_created_idx ON notifications (user_id, (read_at IS NOT NULL), created_at DESC, id DESC);
COMMENT ON TABLE notifications IS '站内通知 / In-app inbox: what each user must know or act on, read or unread';

-- Each new notice is announced to the API processes, which push it to that user's open web app (Server-Sent
-- Events). Ids only: the stream carries no personal data, and a NOTIFY payload is limited to 8000 bytes.
CREATE FUNCTION notifications_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rs_notification', json_build_object('kind', 'new', 'userId', NEW.user_id, 'id', NEW.id::text,
    'caseId', NEW.case_id, 'template', NEW.template)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER notifications_announce AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION notifications_announce();
