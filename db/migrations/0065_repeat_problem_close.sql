-- A supervisor may close a repeat problem that needs no governance topic (a coincidence, or fixed already), on the
-- record: who and why. One answered by a topic closes with its topic instead (db/queries/topics.ts).
ALTER TABLE repeat_problems ADD COLUMN close_reason text NULL;
ALTER TABLE repeat_problems ADD COLUMN closed_by text NULL REFERENCES users (id);
ALTER TABLE repeat_problems ADD CONSTRAINT repeat_problems_closed_by_hand_check
  CHECK (closed_by IS NULL OR (closed_at IS NOT NULL AND close_reason IS NOT NULL));
CREATE INDEX repeat_problems_open_idx ON repeat_problems (last_case_at DESC) WHERE closed_at IS NULL;
