-- Indexes for who-may-see-what in case lists (api/ scope filters, db/queries/case-list.ts).
-- A handler keeps seeing the cases once dispatched to it (DOMAIN.md: "the lower level stays able to see the
-- case"), which the list finds from the case's own history: dispatched/returned events name handlerOrgId,
-- forwarded events name departmentOrgId. Partial expression indexes keep those lookups to one index range.
CREATE INDEX case_events_handler_org_idx ON case_events ((payload->>'handlerOrgId'))
  WHERE type IN ('dispatched', 'returned');
CREATE INDEX case_events_department_org_idx ON case_events ((payload->>'departmentOrgId'))
  WHERE type = 'forwarded';

-- A party member sees the cases whose follow-up owner names them (or their grid branch).
CREATE INDEX cases_follow_up_owner_idx ON cases ((follow_up_owner->>'id')) WHERE follow_up_owner IS NOT NULL;
