-- Duplicate hints at intake ("me too", issue 29): a resident about to file is first offered the open cases of the
-- same category in the same building — or anywhere in the compound when the category is a shared facility, where one
-- fault is every resident's (one lift contract, the gate, the car park, the gardens, the common areas, the fire lanes).

ALTER TABLE categories ADD COLUMN shared_facility boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN categories.shared_facility IS
  '公共设施类：重复提示覆盖全小区而非单栋楼 / Shared facility: duplicate hints cover the whole compound, not one building';

-- Databases seeded before this migration: the seed inserts only missing rows, so it cannot set the new column.
UPDATE categories SET shared_facility = true
 WHERE code IN ('lift', 'security', 'parking', 'greenery', 'cleaning', 'fire_safety');

-- The hint and the suggested duplicates read the open cases of one compound and category, newest first: a small
-- partial index, since closed cases (nearly all of them, over the years) are never offered.
CREATE INDEX cases_open_compound_category_idx ON cases (compound_code, category_code, created_at DESC)
  WHERE status <> 'closed';
