-- Repeat problems (重复问题, DOMAIN.md "Proactive governance"): the same category in the same building N times
-- within D days, under the agreement's governance terms. Detected at intake (services/repeat-problems.ts); the
-- community committee is told once per repeat problem. No personal data: codes, times and case ids only.
CREATE TABLE repeat_problems (
  id uuid PRIMARY KEY,
  compound_code text NOT NULL REFERENCES compounds (code),
  building text NOT NULL,
  category_code text NOT NULL REFERENCES categories (code),
  -- The chain of the compound when detected: who may see it, as for a case.
  community_org_id text NOT NULL REFERENCES organizations (id),
  street_org_id text NULL REFERENCES organizations (id),
  organization_department_id text NULL REFERENCES organizations (id),
  -- The terms it was detected under: N cases within D days.
  threshold int NOT NULL CHECK (threshold >= 2),
  window_days int NOT NULL CHECK (window_days >= 1),
  first_case_at timestamptz NOT NULL,
  -- A case filed within window_days of this extends the repeat problem instead of raising another.
  last_case_at timestamptz NOT NULL CHECK (last_case_at >= first_case_at),
  detected_at timestamptz NOT NULL DEFAULT now(),
  -- The governance topic opened from it (治理专题); the topics migration adds its foreign key.
  topic_id uuid NULL,
  closed_at timestamptz NULL
);

CREATE INDEX repeat_problems_key_idx ON repeat_problems (compound_code, building, category_code, last_case_at DESC);
CREATE INDEX repeat_problems_community_idx ON repeat_problems (community_org_id, last_case_at DESC);
CREATE INDEX repeat_problems_street_idx ON repeat_problems (street_org_id, last_case_at DESC);

-- The cases of each repeat problem. A case belongs to at most one, so a repeat is never counted twice.
CREATE TABLE repeat_problem_cases (
  case_id uuid PRIMARY KEY REFERENCES cases (id),
  repeat_problem_id uuid NOT NULL REFERENCES repeat_problems (id),
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repeat_problem_cases_problem_idx ON repeat_problem_cases (repeat_problem_id);
