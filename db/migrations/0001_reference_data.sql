-- Reference data: the organisation tree, people, compounds and households, three-party agreements,
-- complaint categories and calendar overrides. IDs are stable text codes (e.g. 'comm-jinji', 'demo-fast')
-- so the demo seed is idempotent and tests and docs can name rows.

-- Shared by every append-only table: history is added to, never edited or removed (DOMAIN.md: "Nothing about
-- a case is ever deleted"). 23001 restrict_violation lets callers tell this apart from other errors.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation', HINT = 'Record a new row instead of changing history.';
END
$$;

-- Parent links form the Party tree: organization_department → street_committee → community_committee →
-- grid_branch. Owners' committees and resident associations hang under their community committee. Property
-- companies have no parent: they are companies, may serve compounds in several communities, and who
-- supervises them is decided per compound (compounds.community_org_id). Functional departments have no parent
-- either; supervised_by names the organisation department, which forwards cases to their Party organisation.
CREATE TABLE organizations (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('organization_department', 'street_committee', 'community_committee',
    'grid_branch', 'property_company', 'owners_committee', 'resident_association', 'functional_department')),
  parent_id text NULL REFERENCES organizations (id),
  supervised_by text NULL REFERENCES organizations (id),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX organizations_parent_id_idx ON organizations (parent_id);
CREATE INDEX organizations_kind_idx ON organizations (kind);
COMMENT ON TABLE organizations IS '组织（党组织、物业、业委会、职能部门）/ Organisations: the Party tree and the handlers it supervises';
COMMENT ON COLUMN organizations.supervised_by IS '树外的督导方（职能部门 → 组织部）/ Supervisor outside the parent tree (functional department → organisation department)';

CREATE TABLE people (
  id text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  phone text NULL,
  organization_id text NULL REFERENCES organizations (id),
  kind text NOT NULL CHECK (kind IN ('party_member', 'staff', 'resident'))
);
CREATE INDEX people_organization_id_idx ON people (organization_id);
COMMENT ON TABLE people IS '人员（党员、工作人员、居民）/ People: party members, staff and residents';

CREATE TABLE compounds (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  community_org_id text NOT NULL REFERENCES organizations (id),
  property_company_org_id text NOT NULL REFERENCES organizations (id),
  owners_committee_org_id text NULL REFERENCES organizations (id),
  address text NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX compounds_community_org_id_idx ON compounds (community_org_id);
COMMENT ON TABLE compounds IS '小区 / Residential compounds: each belongs to a community and is served by one property company';

-- 党员联户: each household is linked to a party member who visits and follows up.
CREATE TABLE households (
  id text PRIMARY KEY,
  compound_code text NOT NULL REFERENCES compounds (code),
  building text NOT NULL,
  unit text NOT NULL,
  room text NOT NULL,
  linked_party_member_id text NULL REFERENCES people (id),
  UNIQUE (compound_code, building, unit, room)
);
CREATE INDEX households_linked_party_member_id_idx ON households (linked_party_member_id);
COMMENT ON TABLE households IS '住户（党员联户）/ Households, each linked to a party member';

CREATE TABLE household_members (
  household_id text NOT NULL REFERENCES households (id),
  person_id text NOT NULL REFERENCES people (id),
  PRIMARY KEY (household_id, person_id)
);
CREATE INDEX household_members_person_id_idx ON household_members (person_id);

-- terms holds exactly domain/types.ts AgreementTerms without id (the row's id is the id), so reading an
-- agreement is { id, ...terms } and the domain never sees a second shape. Versions never change in place: a
-- renegotiated agreement is a new row with a new version and valid_from. owners_committee_org_id may be null
-- where no owners' committee has been elected yet; the deadlines must apply all the same.
CREATE TABLE agreements (
  id text PRIMARY KEY,
  compound_code text NOT NULL REFERENCES compounds (code),
  community_org_id text NOT NULL REFERENCES organizations (id),
  owners_committee_org_id text NULL REFERENCES organizations (id),
  property_company_org_id text NOT NULL REFERENCES organizations (id),
  terms jsonb NOT NULL CHECK (
    jsonb_typeof(terms) = 'object'
    AND terms ?& ARRAY['deadlines', 'reminderPoints', 'evaluationWindow', 'reworkLimit', 'weights']
    AND NOT terms ? 'id'
  ),
  valid_from date NOT NULL,
  valid_to date NULL CHECK (valid_to > valid_from),
  version int NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (compound_code, version)
);
CREATE INDEX agreements_compound_valid_idx ON agreements (compound_code, valid_from DESC);
COMMENT ON TABLE agreements IS '三方协议（社区党组织、业委会、物业）/ Three-party agreements: service deadlines and assessment weights';
COMMENT ON COLUMN agreements.terms IS 'AgreementTerms（不含 id）/ domain AgreementTerms minus id';
COMMENT ON COLUMN agreements.valid_to IS '不含当日 / exclusive end date';

-- owner_department_id is the functional department a case of this category goes to at the top of the
-- escalation ladder; when default_handler_kind is functional_department it owns the case from the start
-- (违章搭建 → 城管).
CREATE TABLE categories (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  tier text NOT NULL CHECK (tier IN ('emergency', 'utilities', 'general', 'complex')),
  default_handler_kind text NOT NULL
    CHECK (default_handler_kind IN ('property_company', 'owners_committee', 'resident_association', 'functional_department')),
  owner_department_id text NULL REFERENCES organizations (id),
  icon text NULL,
  active boolean NOT NULL DEFAULT true,
  sort int NOT NULL DEFAULT 0,
  CHECK (default_handler_kind <> 'functional_department' OR owner_department_id IS NOT NULL)
);
COMMENT ON TABLE categories IS '诉求类别 / Complaint categories: deadline tier, default handler, responsible department';

-- Admin corrections on top of the built-in Chinese holiday calendar (holidays and 调休 make-up workdays).
CREATE TABLE calendar_overrides (
  date date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  note text NULL,
  created_by text NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE calendar_overrides IS '工作日历调整（节假日、调休）/ Working-calendar overrides: holidays and make-up workdays';
