-- Sign-in and the admin audit trail. Staff roles follow their organisation's kind (domain/types.ts ROLES).

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  -- bcrypt; null for residents who only sign in with a phone code.
  password_hash text NULL,
  role text NOT NULL CHECK (role IN ('resident', 'handler', 'supervisor', 'party_member', 'admin', 'system')),
  organization_id text NULL REFERENCES organizations (id),
  person_id text NULL REFERENCES people (id),
  phone text NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A handler, supervisor or party member acts for an organisation; without one there is no scope to check.
  CHECK (role IN ('resident', 'admin', 'system') OR organization_id IS NOT NULL)
);
-- Phone sign-in must resolve to one account.
CREATE UNIQUE INDEX users_phone_active_key ON users (phone) WHERE phone IS NOT NULL AND active;
CREATE INDEX users_organization_id_idx ON users (organization_id);
COMMENT ON TABLE users IS '用户账号 / User accounts: residents, handlers, supervisors, party members, admins';

-- Machine clients (e.g. a 12345 hotline bridge). Only a SHA-256 of the key is stored: a bcrypt hash could not
-- be looked up by value, and keys are long random strings, so a fast hash is enough.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  key_hash text NOT NULL UNIQUE,
  organization_id text NULL REFERENCES organizations (id),
  role text NOT NULL CHECK (role IN ('resident', 'handler', 'supervisor', 'party_member', 'admin', 'system')),
  label text NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz NULL
);
COMMENT ON TABLE api_keys IS '接口密钥（仅存哈希）/ API keys, stored as hashes only';

-- One-time codes for resident phone sign-in. Hashed, short-lived, single use; attempts bounds guessing.
CREATE TABLE login_codes (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  code_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz NULL,
  attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_codes_phone_created_idx ON login_codes (phone, created_at DESC);
COMMENT ON TABLE login_codes IS '短信验证码（哈希）/ Phone sign-in codes, hashed';

ALTER TABLE calendar_overrides ADD FOREIGN KEY (created_by) REFERENCES users (id);

-- Admin changes to reference data: who, what, why, before and after. Append-only like case history.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  actor_user_id text NULL REFERENCES users (id),
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  reason text NULL,
  before jsonb NULL,
  after jsonb NULL,
  request_id text NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
COMMENT ON TABLE audit_log IS '管理操作审计（只增不改）/ Audit log of admin changes, append-only';
