// Which stored photos a case names (cases.photos, GIN index of migration 0042): the photo orphan cleaner's question.
import type { Queryable } from '../pool';

export async function referencedPhotos(db: Queryable, ids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT p.id FROM unnest($1::text[]) AS p(id) WHERE EXISTS (SELECT 1 FROM cases c WHERE c.photos ? p.id)`,
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}
