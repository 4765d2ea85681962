-- Sign-in sessions and the sign-in failure budget (api/README.md "Sign-in").
--
-- A session is one sign-in: short access tokens (JWT, `sid` = the session's id) are renewed with its refresh token,
-- of which only a SHA-256 is kept. Revoking a session (sign-out, or a refresh token presented again after it was
-- rotated) must be honoured by every API process at once, and each request checks its session through the API's
-- cache: so every change of a row NOTIFYs rs_session_changed with the session's id, delivered at COMMIT to every
-- listening process (db/notify.ts), which drops that session's entry.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- hex SHA-256 of the secret part of the current refresh token; the token itself is never stored.
  refresh_token_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Absolute: renewing access tokens does not extend it; after it the user signs in again.
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NULL,
  revoked_reason text NULL CHECK (revoked_reason IN ('sign_out', 'refresh_reuse')),
  last_used_at timestamptz NULL,
  CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
COMMENT ON TABLE sessions IS '登录会话 / Sign-in sessions: one per sign-in, renewed by a rotating refresh token, revoked by sign-out';

-- Not for INSERT: a session is cached only after its first use, which comes after its commit.
CREATE FUNCTION notify_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rs_session_changed', OLD.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify_change AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_session_changed();
CREATE TRIGGER sessions_notify_truncate AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed();

-- One failure budget per sign-in name: a normalised username ('username:wang') or a phone ('phone:138…'), whether
-- or not an account has it, so a locked name answers alike for accounts that exist and ones that do not. A sign-in
-- to a known account is charged to each of its names. Every attempt (password, code request, code verify) is
-- charged before it is checked, so parallel guesses cannot outrun the budget; a successful sign-in deletes the rows.
CREATE TABLE sign_in_budgets (
  subject text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  -- Failures older than the lockout period are forgotten: the count restarts at the next attempt.
  window_started_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_budgets_updated_at_idx ON sign_in_budgets (updated_at);
COMMENT ON TABLE sign_in_budgets IS '登录失败额度 / Sign-in failure budgets per username or phone, with lockout';
