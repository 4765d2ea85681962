-- A case (工单) and its history. The Temporal workflow owns the case; `cases` is its projection for lists and
-- search, written from case_events by the projection activity (keyed by case id + seq, so retries are no-ops).

CREATE TABLE cases (
  id uuid PRIMARY KEY,
  tracking_code text NOT NULL UNIQUE,
  workflow_id text NOT NULL UNIQUE,
  -- Idempotency-Key of the intake request, scoped by submitter by the writer (e.g. '<userId>:<key>').
  intake_key text NULL UNIQUE,
  category_code text NOT NULL REFERENCES categories (code),
  compound_code text NOT NULL REFERENCES compounds (code),
  household_id text NULL REFERENCES households (id),
  resident_user_id text NULL REFERENCES users (id),
  resident_name text NULL,
  resident_phone text NULL,
  location jsonb NOT NULL CHECK (jsonb_typeof(location) = 'object'),
  description text NOT NULL,
  contact_preference text NULL,
  photos jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(photos) = 'array'),
  status text NOT NULL
    CHECK (status IN ('submitted', 'dispatched', 'acknowledged', 'returned', 'resolved', 'closed')),
  stage text NOT NULL CHECK (stage IN ('collect', 'respond', 'follow_up', 'evaluate', 'closed')),
  level text NOT NULL
    CHECK (level IN ('community_committee', 'street_committee', 'organization_department', 'functional_department')),
  handler_org_id text NULL REFERENCES organizations (id),
  supervisor_org_id text NULL REFERENCES organizations (id),
  community_org_id text NOT NULL REFERENCES organizations (id),
  street_org_id text NULL REFERENCES organizations (id),
  follow_up_owner jsonb NULL,
  deadlines jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(deadlines) = 'object'),
  overdue boolean NOT NULL DEFAULT false,
  reopen_count int NOT NULL DEFAULT 0 CHECK (reopen_count >= 0),
  escalation_count int NOT NULL DEFAULT 0 CHECK (escalation_count >= 0),
  returned_count int NOT NULL DEFAULT 0 CHECK (returned_count >= 0),
  outcome text NULL CHECK (outcome IN ('satisfied', 'basically_satisfied', 'unsatisfied', 'not_evaluated',
    'withdrawn', 'closed_by_supervisor')),
  satisfaction text NULL CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  solved boolean NULL,
  dispatched_at timestamptz NULL,
  acknowledged_at timestamptz NULL,
  resolved_at timestamptz NULL,
  closed_at timestamptz NULL,
  first_response_due_at timestamptz NULL,
  first_resolution_due_at timestamptz NULL,
  -- The routing decision made at intake (domain CaseIntake), kept so the reconciler can start the workflow with
  -- exactly the input intake computed, if the process died between this INSERT and the start.
  intake jsonb NULL,
  -- An extension (延期) request waiting for the supervisor's decision, if any.
  pending_extension jsonb NULL,
  -- false between the INSERT at intake and a confirmed workflow start; a reconciler retries the start.
  workflow_started boolean NOT NULL DEFAULT false,
  -- seq of the last case_events row projected here; the projection only moves forward.
  last_seq int NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Lists page with a (created_at, id) cursor, newest first, usually inside one scope (resident, handler,
-- community, street); the scope column leads so each scope's page is one index range.
CREATE INDEX cases_created_idx ON cases (created_at DESC, id DESC);
CREATE INDEX cases_resident_created_idx ON cases (resident_user_id, created_at DESC, id DESC);
CREATE INDEX cases_handler_created_idx ON cases (handler_org_id, created_at DESC, id DESC);
CREATE INDEX cases_community_created_idx ON cases (community_org_id, created_at DESC, id DESC);
CREATE INDEX cases_street_created_idx ON cases (street_org_id, created_at DESC, id DESC);
CREATE INDEX cases_status_idx ON cases (status);
CREATE INDEX cases_stage_idx ON cases (stage);
CREATE INDEX cases_level_idx ON cases (level);
CREATE INDEX cases_compound_code_idx ON cases (compound_code);
CREATE INDEX cases_category_code_idx ON cases (category_code);
CREATE INDEX cases_overdue_idx ON cases (created_at DESC) WHERE overdue;
CREATE INDEX cases_workflow_pending_idx ON cases (created_at) WHERE NOT workflow_started;
-- Text search is `description ILIKE '%' || term || '%'` (see db/queries/search.ts), deliberately without an
-- index: Chinese has no spaces, so a 'simple' tsvector would index whole sentences as one token, and pg_trgm is
-- an extension we do not require. Scoped lists are small enough to filter; pg_trgm is the upgrade path.

COMMENT ON TABLE cases IS '工单（工作流投影）/ Cases: the projection of each case workflow for lists and search';
COMMENT ON COLUMN cases.level IS '当前督办层级 / where the case sits on the escalation ladder';
COMMENT ON COLUMN cases.follow_up_owner IS '跟踪督促责任人（网格党支部或党员）/ follow-up owner: grid branch or party member';

-- A case is never deleted (DOMAIN.md); closing is a status.
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- Everything that happened to a case, in order. seq is per case and gap-free from 1; (case_id, seq) is also
-- the idempotency key of every activity that reacts to an event.
CREATE TABLE case_events (
  case_id uuid NOT NULL REFERENCES cases (id),
  seq int NOT NULL CHECK (seq >= 1),
  type text NOT NULL,
  actor jsonb NOT NULL CHECK (jsonb_typeof(actor) = 'object'),
  at timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  -- One request may produce several events, so request_id is not unique.
  request_id text NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX case_events_type_at_idx ON case_events (type, at);
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
COMMENT ON TABLE case_events IS '工单事件（只增不改，可供公开与问责）/ Case events: the append-only history of every case';
