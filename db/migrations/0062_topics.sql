-- Governance topics (治理专题, issue 29): a supervisor works a repeat problem as a whole, as a durable workflow of
-- its own (workflows/topic-workflow.ts, id 'topic-<id>'). `topics` is its projection, `topic_events` its
-- append-only history; a breach of a task or of the topic is an accountability record with topic_id set.

CREATE TABLE topics (
  id uuid PRIMARY KEY,
  workflow_id text NOT NULL UNIQUE,
  -- Idempotency-Key of the opening request, scoped by the opener ('<userId>:<key>').
  open_key text NULL UNIQUE,
  title text NOT NULL,
  description text NULL,
  -- { compoundCodes, buildings: [{ compoundCode, building }], categoryCode } as opened (domain/topic.ts TopicScope).
  scope jsonb NOT NULL CHECK (jsonb_typeof(scope) = 'object'),
  compound_codes text[] NOT NULL CHECK (cardinality(compound_codes) > 0),
  category_code text NULL REFERENCES categories (code),
  owner_org_id text NOT NULL REFERENCES organizations (id),
  -- The opener's organisation, then each rung above it: who supervises and may close.
  supervisor_org_id text NOT NULL REFERENCES organizations (id),
  supervisor_chain text[] NOT NULL,
  -- The owner and every task's owner: whose topics a handler sees.
  participant_org_ids text[] NOT NULL,
  opened_by text NOT NULL REFERENCES users (id),
  repeat_problem_id uuid NULL,
  -- The workflow's input, kept so a retried opening starts exactly the workflow the first one computed.
  opening jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  due_at timestamptz NOT NULL,
  overdue boolean NOT NULL DEFAULT false,
  breached_at timestamptz NULL,
  -- [{ id, title, ownerOrgId, dueAt, doneAt, breachedAt }] as the workflow last projected them (ms since epoch).
  tasks jsonb NOT NULL CHECK (jsonb_typeof(tasks) = 'array'),
  summary text NULL,
  close_reason text NULL,
  opened_at timestamptz NOT NULL,
  closed_at timestamptz NULL,
  last_seq int NOT NULL DEFAULT 1 CHECK (last_seq >= 1),
  -- false between the INSERT and a confirmed workflow start; the reconciler starts what a dead process left.
  workflow_started boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX topics_compound_codes_idx ON topics USING gin (compound_codes);
CREATE INDEX topics_participants_idx ON topics USING gin (participant_org_ids);
CREATE INDEX topics_status_opened_idx ON topics (status, opened_at DESC);
CREATE INDEX topics_workflow_pending_idx ON topics (opened_at) WHERE NOT workflow_started;
CREATE INDEX topics_repeat_problem_idx ON topics (repeat_problem_id) WHERE repeat_problem_id IS NOT NULL;
COMMENT ON TABLE topics IS '治理专题 / Governance topics: the projection of each topic workflow';

CREATE TABLE topic_events (
  topic_id uuid NOT NULL REFERENCES topics (id),
  seq int NOT NULL CHECK (seq >= 1),
  type text NOT NULL,
  actor jsonb NOT NULL,
  at timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  request_id text NULL,
  PRIMARY KEY (topic_id, seq)
);
CREATE TRIGGER topic_events_append_only BEFORE UPDATE OR DELETE ON topic_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
COMMENT ON TABLE topic_events IS '治理专题事件 / Topic events, append-only, in seq order';

-- A topic's breach is charged like a case's: against the organisation that missed the due, on its own record.
ALTER TABLE accountability_records ADD COLUMN topic_id uuid NULL REFERENCES topics (id);
CREATE INDEX accountability_records_topic_id_idx ON accountability_records (topic_id) WHERE topic_id IS NOT NULL;

-- Handlers' duty for a topic's task (the Party organisations' is their own 全程督促, `supervise`, among the eighteen).
INSERT INTO responsibility_duties (code, organization_kind, title_zh, title_en, description, sort)
SELECT k || '.topic_task_in_time', k, '按时完成治理任务', 'Complete topic tasks in time',
       '在治理专题的期限内完成所负责的任务 / Complete the tasks of a governance topic by their due dates', 105
  FROM unnest(ARRAY['property_company', 'owners_committee', 'resident_association', 'functional_department']) AS k;

-- A repeat problem (0061) names the topic opened to answer it.
ALTER TABLE repeat_problems ADD CONSTRAINT repeat_problems_topic_id_fkey FOREIGN KEY (topic_id) REFERENCES topics (id);
ALTER TABLE topics ADD CONSTRAINT topics_repeat_problem_id_fkey FOREIGN KEY (repeat_problem_id) REFERENCES repeat_problems (id);
