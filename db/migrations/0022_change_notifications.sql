-- Change notifications for the API's in-process caches of reference data and accounts (db/notify.ts,
-- db/reference-cache.ts). A process that caches LISTENs on two channels and drops whatever a change may have made
-- stale, so a deactivated account, a changed role, a renamed organisation or a new agreement version takes effect
-- at once — whether it was changed by an admin route, by another API process or by plain SQL.
--
-- NOTIFY is transactional: it is delivered at COMMIT to every session of this database that listens, and never
-- for a rolled-back change. A notification for a statement that changed no row is harmless (a cache refills).

-- Reference data: one notification per statement; the payload is the table's name (the cache drops every entry
-- read from that table). These tables change rarely, so per-row detail would buy nothing.
CREATE FUNCTION notify_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rs_reference_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

CREATE TRIGGER organizations_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organizations
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER people_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER compounds_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON compounds
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER households_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON households
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER household_members_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON household_members
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER agreements_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agreements
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER categories_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER calendar_overrides_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
CREATE TRIGGER api_keys_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();

-- Accounts: one notification per changed row on rs_user_changed, the payload the user's id, so deactivating one
-- account drops only that account (every request reloads its caller). TRUNCATE names the table instead: all go.
CREATE FUNCTION notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('rs_user_changed', OLD.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('rs_user_changed', NEW.id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_notify_change AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_user_changed();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();
