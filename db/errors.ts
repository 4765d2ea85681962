// SQLSTATE codes we react to, by name, and predicates over pg errors. Callers map these to domain errors
// (e.g. a unique violation on cases.intake_key means "this Idempotency-Key was already used").
// See https://www.postgresql.org/docs/current/errcodes-appendix.html

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';
export const NOT_NULL_VIOLATION = '23502';
export const EXCLUSION_VIOLATION = '23P01';
/** Raised by our append-only and immutability triggers (case_events, cases, audit_log, assessments …). */
export const RESTRICT_VIOLATION = '23001';
export const INVALID_TEXT_REPRESENTATION = '22P02';
export const SERIALIZATION_FAILURE = '40001';
export const DEADLOCK_DETECTED = '40P01';
export const LOCK_NOT_AVAILABLE = '55P03';
export const QUERY_CANCELED = '57014';
export const UNDEFINED_TABLE = '42P01';

interface PgErrorLike {
  code?: unknown;
  constraint?: unknown;
}

/** The SQLSTATE of a pg error, or undefined for anything else. Duck-typed: several pg copies may be loaded. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as PgErrorLike).code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}

/** The name of the violated constraint (e.g. 'cases_intake_key_key'), when Postgres reports one. */
export function constraintName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const constraint = (err as PgErrorLike).constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

function matches(err: unknown, code: string, constraint?: string): boolean {
  return sqlState(err) === code && (constraint === undefined || constraintName(err) === constraint);
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return matches(err, UNIQUE_VIOLATION, constraint);
}

export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  return matches(err, FOREIGN_KEY_VIOLATION, constraint);
}

export function isCheckViolation(err: unknown, constraint?: string): boolean {
  return matches(err, CHECK_VIOLATION, constraint);
}

export function isNotNullViolation(err: unknown): boolean {
  return sqlState(err) === NOT_NULL_VIOLATION;
}

/** An attempt to change or delete history that the schema keeps append-only. */
export function isRestrictViolation(err: unknown): boolean {
  return sqlState(err) === RESTRICT_VIOLATION;
}

/** Errors after which re-running the whole transaction is the correct response. */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = sqlState(err);
  return code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
}
