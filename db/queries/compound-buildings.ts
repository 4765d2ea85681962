// The buildings of a compound, as its households name them: one printable QR code each (api/routes/qr.ts).
import type { Queryable } from '../pool';

const byNumber = new Intl.Collator('zh-CN', { numeric: true });

/** Distinct buildings of the compound's households, in natural order (2 before 10). */
export async function buildingsOf(db: Queryable, compoundCode: string): Promise<string[]> {
  const { rows } = await db.query<{ building: string }>(
    'SELECT DISTINCT building FROM households WHERE compound_code = $1',
    [compoundCode],
  );
  return rows.map((r) => r.building).sort(byNumber.compare);
}
