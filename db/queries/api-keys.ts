// API keys for integrations (a property company's ticket system, a 12345 hotline bridge). Only a SHA-256 hash of
// the secret is stored; the key is shown once, at creation.
import type { Queryable } from '../pool';
import type { Role } from '../../domain/types';

export interface ApiKey {
  id: string;
  keyHash: string;
  organizationId: string | null;
  role: Role;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = `id, key_hash AS "keyHash", organization_id AS "organizationId", role, label,
  created_at AS "createdAt", revoked_at AS "revokedAt"`;

export async function insertApiKey(
  db: Queryable,
  k: Pick<ApiKey, 'id' | 'keyHash' | 'organizationId' | 'role' | 'label'>,
): Promise<ApiKey> {
  const { rows } = await db.query<ApiKey>(
    `INSERT INTO api_keys (id, key_hash, organization_id, role, label) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [k.id, k.keyHash, k.organizationId, k.role, k.label],
  );
  return rows[0];
}

export async function getApiKey(db: Queryable, id: string): Promise<ApiKey | null> {
  const { rows } = await db.query<ApiKey>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listApiKeys(db: Queryable): Promise<ApiKey[]> {
  const { rows } = await db.query<ApiKey>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
  return rows;
}

/** Revokes once; false when the key does not exist or was already revoked. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [
    id,
  ]);
  return rowCount === 1;
}
