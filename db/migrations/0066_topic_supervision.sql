-- A breached topic is supervised (督办, the topic workflow's `topic-supervision` patch): while it is open, when its
-- next 督办 is due, and how many dues (its own, then each 督办's) it has missed. Tasks keep theirs in `tasks`.
ALTER TABLE topics ADD COLUMN supervise_due_at timestamptz NULL;
ALTER TABLE topics ADD COLUMN misses int NOT NULL DEFAULT 0 CHECK (misses >= 0);
