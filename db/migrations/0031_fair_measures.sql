-- Rates, assessments and accountability that cannot be gamed (issue 23; docs/domain.md "Measures (三率) and
-- accountability (问责)"): the responsibility list in the six areas of the Runzhou list, one duty on every
-- accountability record, every handler kind assessed, "insufficient data" instead of a score on too few
-- evaluations, and adjustments capped on their net total and keyed by the Idempotency-Key.

-- 1. The responsibility list (责任清单). The seed article (Liu 2025, on 润州) says the list gives Party organisations
-- of every level "政治统领、组织统联、阵地统建、队伍统管、资源统筹、治理统筹 6 个方面的 18 项职责" but names only the six
-- areas. The eighteen duties below — three per area — are this project's own reading of those areas for the
-- supervision loop, not the Runzhou text; the duties the loop checks by itself (decide_in_time, follow_up,
-- forward, callback) are among them. Handlers' service duties (respond_in_time, …) stay outside the areas.
CREATE TABLE responsibility_areas (
  code text PRIMARY KEY,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  sort int NOT NULL UNIQUE
);
COMMENT ON TABLE responsibility_areas IS '责任清单的六个方面 / The six areas of the Party organisations'' responsibility list';
INSERT INTO responsibility_areas (code, title_zh, title_en, sort) VALUES
  ('political_leadership', '政治统领', 'Political leadership', 1),
  ('organisational_linkage', '组织统联', 'Organisational linkage', 2),
  ('positions', '阵地统建', 'Service positions', 3),
  ('team_management', '队伍统管', 'Team management', 4),
  ('resource_coordination', '资源统筹', 'Resource coordination', 5),
  ('governance_coordination', '治理统筹', 'Governance coordination', 6);

ALTER TABLE responsibility_duties ADD COLUMN area text NULL REFERENCES responsibility_areas (code);
ALTER TABLE responsibility_duties ADD COLUMN sort int NOT NULL DEFAULT 0;

-- The two Party duties whose names differ by level become one duty each, named as the eighteen name them.
ALTER TABLE accountability_records DISABLE TRIGGER accountability_records_write_once;
INSERT INTO responsibility_duties (code, organization_kind, title_zh, title_en)
  VALUES ('community_committee.follow_up', 'community_committee', '跟踪督促', 'Follow up'),
         ('street_committee.forward', 'street_committee', '上报转交', 'Report and forward')
  ON CONFLICT (code) DO NOTHING;
UPDATE accountability_records SET duty_code = 'community_committee.follow_up' WHERE duty_code = 'community_committee.assign_follow_up';
UPDATE accountability_records SET duty_code = 'street_committee.forward' WHERE duty_code = 'street_committee.report_cross_department';
DELETE FROM responsibility_duties WHERE code IN ('community_committee.assign_follow_up', 'street_committee.report_cross_department');

-- The eighteen, for each kind of Party organisation (the organisation department, street and community
-- committees and grid branches); titles are the same at every level, what they ask is the level's own.
INSERT INTO responsibility_duties (code, organization_kind, title_zh, title_en, description, area, sort)
SELECT k.kind || '.' || d.duty, k.kind, d.title_zh, d.title_en, d.description, d.area, d.sort
  FROM (VALUES ('organization_department'), ('street_committee'), ('community_committee'), ('grid_branch')) AS k(kind)
  CROSS JOIN (VALUES
    ('carry_out_decisions', 'political_leadership', 1, '贯彻决策部署', 'Carry out decisions',
     '贯彻党的路线方针政策和上级党组织的决策部署 / Carry out the Party''s line and the decisions of the level above'),
    ('decide_major_matters', 'political_leadership', 2, '重大事项决策', 'Decide major matters',
     '集体讨论决定辖区治理中的重大事项 / Decide the major matters of local governance collectively'),
    ('guide_organisations', 'political_leadership', 3, '政治引领', 'Guide the organisations',
     '引领业委会、物业服务企业、自治社团依法依约履责 / Guide owners'' committees, property companies and associations to do their duties'),
    ('party_coverage', 'organisational_linkage', 4, '组织覆盖', 'Party coverage',
     '推动业委会、物业服务企业、自治社团中建立党组织或有党员参与 / See that the organisations of the compound have a Party organisation or members in them'),
    ('household_linking', 'organisational_linkage', 5, '党员联户', 'Household linking',
     '落实党员联系户，听取居民诉求 / Link Party members with households and hear residents'),
    ('assess', 'organisational_linkage', 6, '考核评价', 'Assess',
     '依三方协议行使考核权，按时完成月度考核 / Assess the handlers under the three-party agreement, every month'),
    ('service_positions', 'positions', 7, '党群服务阵地', 'Service positions',
     '建好用好党群服务中心和小区服务点 / Run the Party-and-people service centre and the compounds'' service points'),
    ('opinion_channels', 'positions', 8, '民意收集渠道', 'Channels for opinion',
     '保持线上线下民意收集渠道畅通 / Keep the channels for residents'' complaints open, online and on site'),
    ('disclose', 'positions', 9, '信息公开', 'Disclose',
     '公开诉求办理情况、三率和考核结果 / Publish how cases were handled, the rates and the assessments'),
    ('member_management', 'team_management', 10, '党员教育管理', 'Manage Party members',
     '教育管理党员，组织党员参与治理 / Educate and manage Party members and involve them in governance'),
    ('follow_up', 'team_management', 11, '跟踪督促', 'Follow up',
     '指派网格党支部或党员跟踪，并在时限内记录跟踪情况 / Assign a follow-up owner and see the follow-up recorded in time'),
    ('train_teams', 'team_management', 12, '队伍培训', 'Train the teams',
     '培训业委会成员、物业骨干和志愿者 / Train owners'' committee members, property staff and volunteers'),
    ('coordinate', 'resource_coordination', 13, '协调督办', 'Coordinate',
     '统筹各方力量协调督办上报的事项 / Bring the parties together on escalated cases'),
    ('forward', 'resource_coordination', 14, '上报转交', 'Report and forward',
     '需职能部门处理的事项及时上报、转交职能部门党组织督促办理 / Report and forward in time what needs a functional department'),
    ('share_resources', 'resource_coordination', 15, '共建共享', 'Share resources',
     '统筹辖区单位资源参与治理 / Draw the resources of local units into governance'),
    ('supervise', 'governance_coordination', 16, '全程督促', 'Supervise throughout',
     '补位、到位，但不越位 / Step in where a duty is unmet, be present, never take over'),
    ('decide_in_time', 'governance_coordination', 17, '按时审批', 'Decide in time',
     '在时限内审批回退、延期与挂起 / Decide returns, extensions and pauses within the decision time'),
    ('callback', 'governance_coordination', 18, '回访评价', 'Call back',
     '为没有账号的居民回访并记录评价 / Record the evaluation of residents without an account by phone or visit')
  ) AS d(duty, area, sort, title_zh, title_en, description)
ON CONFLICT (code) DO UPDATE SET title_zh = EXCLUDED.title_zh, title_en = EXCLUDED.title_en,
  description = EXCLUDED.description, area = EXCLUDED.area, sort = EXCLUDED.sort;

-- A functional department's Party organisation supervises at the top rung and decides there: its one Party duty.
UPDATE responsibility_duties SET area = 'governance_coordination', sort = 17 WHERE code = 'functional_department.decide_in_time';
-- Handlers' service duties in a reading order.
UPDATE responsibility_duties SET sort = CASE split_part(code, '.', 2)
  WHEN 'respond_in_time' THEN 101 WHEN 'resolve_in_time' THEN 102 WHEN 'satisfy_residents' THEN 103 ELSE 104 END
 WHERE area IS NULL;

ALTER TABLE responsibility_duties ADD CONSTRAINT responsibility_duties_party_area_check
  CHECK (area IS NOT NULL OR organization_kind IN ('property_company', 'owners_committee', 'resident_association', 'functional_department'));

-- 2. Every accountability record names exactly one duty of the organisation it is against. Records written
-- before 0030 could miss one (an owners' committee's dissatisfaction, a department deciding at the top rung):
-- their duty follows from what they record, exactly as the loop names it today.
UPDATE accountability_records r SET duty_code = d.code
  FROM organizations o, responsibility_duties d
 WHERE o.id = r.organization_id AND r.duty_code IS NULL
   AND d.code = o.kind || '.' || CASE
         WHEN r.source = 'unsatisfied' THEN 'satisfy_residents'
         WHEN r.deadline_kind = 'evaluation' THEN 'callback'
         WHEN r.source = 'silence' OR r.deadline_kind = 'decision' THEN 'decide_in_time'
         WHEN r.deadline_kind = 'response' THEN 'respond_in_time'
         WHEN r.deadline_kind = 'resolution' THEN 'resolve_in_time'
       END;
ALTER TABLE accountability_records ENABLE TRIGGER accountability_records_write_once;
DO $$
DECLARE n int;
BEGIN
  SELECT count(*) INTO n FROM accountability_records r
   WHERE r.duty_code IS NULL OR NOT EXISTS (SELECT 1 FROM responsibility_duties d WHERE d.code = r.duty_code);
  IF n > 0 THEN
    RAISE EXCEPTION '% accountability record(s) name no duty of the responsibility list; name one before migrating', n;
  END IF;
END
$$;
ALTER TABLE accountability_records ALTER COLUMN duty_code SET NOT NULL;

-- The duty's kind is the organisation's: the code starts with it (responsibility_duties' own check), so a record
-- whose duty belongs to another kind is refused. The loop's writers name duties the list holds for every kind
-- they charge (test/db/responsibility-list.test.ts), so this never fires on them.
CREATE FUNCTION accountability_duty_of_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A missing duty is the NOT NULL constraint's to refuse.
  IF NEW.duty_code IS NOT NULL AND split_part(NEW.duty_code, '.', 1) IS DISTINCT FROM (SELECT kind FROM organizations WHERE id = NEW.organization_id) THEN
    RAISE EXCEPTION 'duty % is not a duty of organisation %', NEW.duty_code, NEW.organization_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER accountability_records_duty_of_kind BEFORE INSERT OR UPDATE OF duty_code, organization_id
  ON accountability_records FOR EACH ROW EXECUTE FUNCTION accountability_duty_of_kind();

-- The Party organisations' duties the duty watch records (services/duty-watch.ts): a follow-up not recorded in
-- time and a forward not made.
ALTER TABLE accountability_records DROP CONSTRAINT accountability_records_deadline_kind_check;
ALTER TABLE accountability_records ADD CONSTRAINT accountability_records_deadline_kind_check
  CHECK (deadline_kind IN ('response', 'resolution', 'evaluation', 'decision', 'follow_up', 'forward'));
CREATE INDEX case_events_duty_watch_idx ON case_events (at) WHERE type IN ('follow_up_assigned', 'reported');

-- 3. Every handler kind is assessed. A property company or owners' committee is assessed under its compound's
-- agreement; a resident association by its community committee and a functional department by the organisation
-- department, under the district's weights for their kind (no agreement binds them).
CREATE TABLE assessment_kind_terms (
  organization_kind text PRIMARY KEY
    CHECK (organization_kind IN ('property_company', 'owners_committee', 'resident_association', 'functional_department')),
  weights jsonb NOT NULL CHECK (jsonb_typeof(weights) = 'object'),
  min_evaluated int NOT NULL CHECK (min_evaluated >= 0)
);
COMMENT ON TABLE assessment_kind_terms IS '各类承办单位的考核权重 / Assessment weights per handler kind where no agreement states them';
INSERT INTO assessment_kind_terms (organization_kind, weights, min_evaluated) VALUES
  ('property_company', '{"response": 0.3, "resolution": 0.3, "satisfaction": 0.3, "onTime": 0.1}', 5),
  ('owners_committee', '{"response": 0.2, "resolution": 0.3, "satisfaction": 0.4, "onTime": 0.1}', 5),
  ('resident_association', '{"response": 0.2, "resolution": 0.3, "satisfaction": 0.4, "onTime": 0.1}', 5),
  ('functional_department', '{"response": 0.3, "resolution": 0.3, "satisfaction": 0.2, "onTime": 0.2}', 5);

ALTER TABLE assessments
  -- Who assesses (考核权) and signs adjustments: the agreement's community committee, a resident association's
  -- community committee, or the organisation department for a functional department.
  ADD COLUMN assessor_org_id text NULL REFERENCES organizations (id),
  ADD COLUMN status text NOT NULL DEFAULT 'scored' CHECK (status IN ('scored', 'insufficient_data', 'no_cases')),
  ADD COLUMN min_evaluated int NULL;
-- Filling in the new columns of the rows computed so far (all property companies under an agreement) is not a
-- recomputation: the immutability trigger steps aside for it, inside this transaction only.
ALTER TABLE assessments DISABLE TRIGGER assessments_immutable;
UPDATE assessments x SET assessor_org_id = ag.community_org_id, status = CASE WHEN x.score IS NULL THEN 'no_cases' ELSE 'scored' END
  FROM agreements ag WHERE ag.id = x.agreement_id;
ALTER TABLE assessments ENABLE TRIGGER assessments_immutable;
CREATE UNIQUE INDEX assessments_unit_version_no_agreement_key ON assessments (organization_id, period_start, period_end, version)
  WHERE agreement_id IS NULL;
CREATE UNIQUE INDEX assessments_computation_unit_no_agreement_key ON assessments (computation_id, organization_id)
  WHERE computation_id IS NOT NULL AND agreement_id IS NULL;
CREATE INDEX assessments_assessor_idx ON assessments (assessor_org_id);

-- 4. Adjustments: the Idempotency-Key of the request that signed one (scoped by the signer), so a retried request
-- signs once. The cap on the net total is checked under a lock on the assessment (db/queries/assessments.ts).
ALTER TABLE assessment_adjustments ADD COLUMN dedupe_key text NULL UNIQUE;
