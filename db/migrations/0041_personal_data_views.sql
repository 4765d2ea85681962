-- Every read that showed a resident's unmasked personal data (name, phone, household, location finer than the
-- building) to someone other than the complainant: who, when, which case, which fields. The complainant reads
-- it back ("谁查看了我的联系方式", GET /cases/:id/contact-views). Written before the answer is sent, in one INSERT,
-- so a view that happened is never missing. Append-only, like case history.
CREATE TABLE personal_data_views (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  -- No foreign key: an API key's actor ("api-key:<id>") is not a row of users.
  viewer_user_id text NOT NULL,
  viewer_role text NOT NULL,
  viewer_organization_id text NULL,
  fields text[] NOT NULL CHECK (cardinality(fields) > 0 AND fields <@ ARRAY['name', 'phone', 'householdId', 'location']),
  at timestamptz NOT NULL DEFAULT now(),
  request_id text NULL
);
CREATE INDEX personal_data_views_case_at_idx ON personal_data_views (case_id, at);
COMMENT ON TABLE personal_data_views IS '个人信息查看记录 / Reads of a resident''s unmasked personal data, by whom and when';

CREATE TRIGGER personal_data_views_append_only BEFORE UPDATE OR DELETE ON personal_data_views
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER personal_data_views_no_truncate BEFORE TRUNCATE ON personal_data_views
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
