-- Intake abuse (SECURITY.md "Abuse", "On-behalf filing"): who filed each case, for per-account daily quotas; whether
-- the contact on a case is verified; the one-time codes that verify a contact phone by SMS; and the index the photo
-- orphan cleaner (services/photo-orphans.ts) asks "does any case name this photo" through.

-- The account (users.id, or 'api-key:<id>' for an integration) that filed the case; null for cases filed before this
-- migration and for system filings (demo cases). Not a foreign key: API keys are not users.
ALTER TABLE cases ADD COLUMN filed_by text NULL;
-- The intake quota counts an account's cases of the last 24 hours: one index range per request.
CREATE INDEX cases_filed_by_created_idx ON cases (filed_by, created_at) WHERE filed_by IS NOT NULL;

-- false while the contact on the case is one nobody proved: a phone typed by staff or typed by a resident for someone
-- else. It becomes true when the complainant confirms their own account's contact, or when a code sent to the phone
-- comes back. Cases filed before this migration keep true: their contact was the complainant's, or typed as now.
ALTER TABLE cases ADD COLUMN contact_verified boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN cases.contact_verified IS '联系电话已核实 / the contact phone is the complainant''s own or was confirmed by SMS code';

CREATE INDEX cases_photos_idx ON cases USING gin (photos);

-- One-time codes for a case's contact phone. Only a keyed hash of the code is kept; the code itself travels once,
-- in the notification_outbox row the SMS sender reads, written in the same transaction.
CREATE TABLE contact_codes (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  phone text NOT NULL,
  code_hash text NOT NULL,
  requested_by text NOT NULL,
  attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  expires_at timestamptz NOT NULL,
  used_at timestamptz NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_codes_case_idx ON contact_codes (case_id, created_at DESC);
-- Codes sent to one phone, whichever case: the throttle that keeps the route from flooding someone's phone.
CREATE INDEX contact_codes_phone_idx ON contact_codes (phone, created_at DESC);
COMMENT ON TABLE contact_codes IS '联系电话验证码（仅存哈希）/ One-time codes verifying a case''s contact phone (hashed)';
