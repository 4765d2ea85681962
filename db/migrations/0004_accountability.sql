-- Accountability (问责) against the responsibility list (责任清单), and the notification outbox.

-- The responsibility list. Codes are '<organization_kind>.<duty>' so one duty name (respond_in_time) can be
-- listed for every kind that bears it and the code alone still says whose duty it is. The list ships with the
-- schema, not the demo seed: breach records reference these codes in production too.
CREATE TABLE responsibility_duties (
  code text PRIMARY KEY CHECK (code = organization_kind || '.' || split_part(code, '.', 2)),
  organization_kind text NOT NULL CHECK (organization_kind IN ('organization_department', 'street_committee',
    'community_committee', 'grid_branch', 'property_company', 'owners_committee', 'resident_association',
    'functional_department')),
  title_zh text NOT NULL,
  title_en text NOT NULL,
  description text NULL
);
COMMENT ON TABLE responsibility_duties IS '责任清单 / Responsibility list: the duties of each kind of organisation';

INSERT INTO responsibility_duties (code, organization_kind, title_zh, title_en, description) VALUES
  ('property_company.respond_in_time', 'property_company', '按时响应', 'Respond in time',
   '在响应时限内联系居民并受理 / Contact the resident and acknowledge within the response deadline'),
  ('property_company.resolve_in_time', 'property_company', '按时办结', 'Resolve in time',
   '在办理时限内办结 / Resolve within the resolution deadline'),
  ('property_company.satisfy_residents', 'property_company', '居民满意', 'Satisfy residents',
   '办理结果经居民评价满意 / Results the resident judges satisfactory'),
  ('property_company.service_standard', 'property_company', '履行服务标准', 'Meet the service standard',
   '按三方协议履行物业服务标准 / Deliver the service standard of the three-party agreement'),
  ('owners_committee.respond_in_time', 'owners_committee', '按时响应', 'Respond in time', NULL),
  ('owners_committee.resolve_in_time', 'owners_committee', '按时办结', 'Resolve in time', NULL),
  ('owners_committee.oversee_property_service', 'owners_committee', '监督物业服务', 'Oversee the property service',
   '代表业主监督物业服务企业履约 / Oversee the property company on behalf of the owners'),
  ('resident_association.respond_in_time', 'resident_association', '按时响应', 'Respond in time', NULL),
  ('resident_association.resolve_in_time', 'resident_association', '按时办结', 'Resolve in time', NULL),
  ('functional_department.respond_in_time', 'functional_department', '按时响应', 'Respond in time', NULL),
  ('functional_department.resolve_in_time', 'functional_department', '按时办结', 'Resolve in time', NULL),
  ('community_committee.supervise', 'community_committee', '全程督促', 'Supervise throughout',
   '补位、到位，但不越位 / Step in where a duty is unmet, be present, never take over'),
  ('community_committee.assign_follow_up', 'community_committee', '指派跟踪', 'Assign follow-up',
   '为工单指派网格党支部或党员跟踪 / Assign a grid branch or party member to follow up'),
  ('community_committee.decide_in_time', 'community_committee', '按时审批', 'Decide in time',
   '及时审批延期与回退 / Decide extension and return requests promptly'),
  ('community_committee.assess', 'community_committee', '考核评价', 'Assess',
   '依三方协议考核物业服务企业 / Assess the property company under the agreement'),
  ('grid_branch.follow_up', 'grid_branch', '上门跟踪', 'Follow up on site',
   '走访核实并记录情况 / Visit, check and record findings'),
  ('street_committee.coordinate', 'street_committee', '协调督办', 'Coordinate escalated cases', NULL),
  ('street_committee.report_cross_department', 'street_committee', '上报跨部门事项', 'Report cross-department cases',
   '向组织部报告需职能部门处理的事项 / Report to the organisation department what needs a functional department'),
  ('organization_department.forward', 'organization_department', '转交督促', 'Forward and urge',
   '转交职能部门党组织并督促办理 / Forward to the functional department''s Party organisation and urge it');

-- One record per breach, dissatisfaction or finding. dedupe_key (e.g. '<caseId>:<seq>') makes the writing
-- activity idempotent under Temporal retries: INSERT … ON CONFLICT (dedupe_key) DO NOTHING.
CREATE TABLE accountability_records (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NULL REFERENCES cases (id),
  organization_id text NOT NULL REFERENCES organizations (id),
  duty_code text NULL REFERENCES responsibility_duties (code),
  reason text NOT NULL,
  source text NOT NULL CHECK (source IN ('breach', 'unsatisfied', 'finding')),
  deadline_kind text NULL CHECK (deadline_kind IN ('response', 'resolution', 'evaluation')),
  level text NULL
    CHECK (level IN ('community_committee', 'street_committee', 'organization_department', 'functional_department')),
  dedupe_key text NOT NULL UNIQUE,
  -- The organisation's written answer (说明/整改), then the supervisor closes the record.
  answer text NULL,
  answered_at timestamptz NULL,
  closed_at timestamptz NULL,
  closed_by text NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accountability_records_org_created_idx ON accountability_records (organization_id, created_at DESC);
CREATE INDEX accountability_records_case_id_idx ON accountability_records (case_id);
CREATE INDEX accountability_records_open_idx ON accountability_records (created_at) WHERE closed_at IS NULL;
CREATE TRIGGER accountability_records_no_delete BEFORE DELETE ON accountability_records
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
COMMENT ON TABLE accountability_records IS '问责记录 / Accountability records against the responsibility list';

-- Transactional outbox: a notification is written in the same transaction as the change that causes it and
-- sent later, so a crash cannot lose it or send it twice for one dedupe_key.
CREATE TABLE notification_outbox (
  id bigserial PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  channel text NOT NULL,
  recipient jsonb NOT NULL,
  template text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz NULL,
  attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error text NULL
);
CREATE INDEX notification_outbox_unsent_idx ON notification_outbox (created_at) WHERE sent_at IS NULL;
COMMENT ON TABLE notification_outbox IS '通知发件箱 / Notification outbox: written with the change, sent afterwards';
